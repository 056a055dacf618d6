package io.gradreg.spi.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import io.gradreg.spi.PenaltyContext;
import io.gradreg.spi.Regularizer;
import io.gradreg.spi.Scalars;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The kit on a penalty written here, (1/B) sum_i ||d loss_i / d x_i||^2, and on copies of it broken
 * the ways penalties go wrong: each broken copy must fail the check meant for it.
 */
class PenaltyCheckTest {

    /** (1/B) sum_i ||d loss_i / d x_i||^2 = B ||d L / d x||^2 with L the mean loss. */
    private static final Regularizer SQUARED = context -> Scalars.mul(gradientNorm(context), context.batchSize());

    private static NDArray gradientNorm(PenaltyContext context) {
        return context.inputGradient(context.loss()).square().sum();
    }

    private static double definition(Example example) {
        double sum = 0;
        for (double u : example.lossGradient()) {
            sum += u * u;
        }
        return sum;
    }

    @Test
    void aCorrectPenaltyPassesEveryCheck() {
        PenaltyCheck check = PenaltyCheck.of("squared", SQUARED);
        assertTrue(check.assertFiniteScalar() > 1e-3, "a vacuous check: the penalty is ~0");
        check.assertAll(PenaltyCheckTest::definition);
    }

    @Test
    void aDroppedFactorFailsTheDefinitionAndTheMean() {
        PenaltyCheck check = PenaltyCheck.of("unscaled", PenaltyCheckTest::gradientNorm);
        String definition = assertThrows(AssertionFailedError.class,
                () -> check.assertMatchesPerExampleDefinition(PenaltyCheckTest::definition)).getMessage();
        assertTrue(definition.startsWith("regularizer 'unscaled': the penalty is "), definition);
        assertTrue(definition.endsWith(": the penalty does not compute its definition"), definition);
        String mean = assertThrows(AssertionFailedError.class, check::assertPerExampleMean).getMessage();
        assertTrue(mean.contains("(ratio 0.500000)"), mean);
        assertTrue(mean.endsWith("divide the sum over examples by context.batchSize() exactly once, as in "
                + "Scalars.div(perExample.sum(), context.batchSize())"), mean);
    }

    @Test
    void assertAllLeadsWithTheMostSpecificFailure() {
        // a missing 1/B breaks the mean and the definition; the message that names the fix comes first
        AssertionFailedError error = assertThrows(AssertionFailedError.class,
                () -> PenaltyCheck.of("unscaled", PenaltyCheckTest::gradientNorm)
                        .assertAll(PenaltyCheckTest::definition));
        String message = error.getMessage();
        int mean = message.indexOf("divide the sum over examples by context.batchSize()");
        int definition = message.indexOf("\nAlso: regularizer 'unscaled': the penalty is");
        assertTrue(mean > 0 && definition > mean, message);
        assertTrue(message.startsWith("regularizer 'unscaled': the penalty is "), message);
        assertEquals(2, error.getSuppressed().length);
    }

    /** (1/B) sum_i s * ||d loss_i / d x_i||^2, with a bug when s is not 1: the square root is dropped. */
    private static final io.gradreg.spi.RegularizerProvider SCALED = new io.gradreg.spi.RegularizerProvider() {
        @Override
        public String name() {
            return "scaled";
        }

        @Override
        public String description() {
            return "s times the squared input gradient";
        }

        @Override
        public java.util.List<io.gradreg.spi.ParameterSpec> parameters() {
            return java.util.List.of(new io.gradreg.spi.ParameterSpec("s", "scale", "1"));
        }

        @Override
        public Regularizer create(io.gradreg.spi.RegularizerParameters parameters) {
            double scale = parameters.getDouble("s");
            if (scale == 1) {
                return SQUARED;
            }
            return context -> Scalars.mul(context.inputGradient(context.loss()).abs().sum(),
                    scale * context.batchSize());
        }
    };

    @Test
    void everyListedParameterValueIsChecked() {
        java.util.function.Function<java.util.Map<String, String>, java.util.function.ToDoubleFunction<Example>> def =
                p -> e -> Double.parseDouble(p.get("s")) * definition(e);
        // at the default alone the bug cannot show, and the kit says so
        String unlisted = assertThrows(AssertionFailedError.class, () -> PenaltyCheck.assertEveryValue(SCALED,
                java.util.Map.of("s", java.util.List.of("1")), def, 1)).getMessage();
        assertEquals("regularizer 'scaled': list at least one value of parameter 's' besides its default 1 (a bug "
                + "behind a test of that value would pass at the default alone)", unlisted);
        String failed = assertThrows(AssertionFailedError.class, () -> PenaltyCheck.assertEveryValue(
                SCALED, java.util.Map.of("s", java.util.List.of("1", "2")), def, 1)).getMessage();
        assertTrue(failed.startsWith("regularizer 'scaled' with s=2: "), failed);
    }

    @Test
    void aPenaltyCutFromTheGraphFailsTheGradientCheck() {
        // The right value, but the input gradient is a constant to backpropagation: no second-order term.
        Regularizer detached = context -> Scalars.mul(
                context.manager().create(context.inputGradient(context.loss()).toDoubleArray())
                        .square().sum(), context.batchSize());
        PenaltyCheck check = PenaltyCheck.of("detached", detached);
        check.assertMatchesPerExampleDefinition(PenaltyCheckTest::definition);
        String message = assertThrows(AssertionFailedError.class, check::assertParameterGradients).getMessage();
        assertTrue(message.contains("by backpropagation but"), message);
    }

    @Test
    void multiplyingByAJavaNumberWithDjlFailsUnderGarbageCollection() {
        Regularizer unsafe = context -> gradientNorm(context).mul(context.batchSize());
        PenaltyCheck check = PenaltyCheck.of("unsafe", unsafe);
        check.assertMatchesPerExampleDefinition(PenaltyCheckTest::definition);
        String message = assertThrows(AssertionFailedError.class, check::assertStableUnderGarbageCollection)
                .getMessage();
        assertTrue(message.contains("the gradient changed when garbage was collected"), message);
    }

    @Test
    void aPerExamplePenaltyIsRefusedWithTheReduction() {
        PenaltyCheck check = PenaltyCheck.of("vector", context -> context.logits().logSoftmax(1).sum(new int[] {1}));
        assertEquals("regularizer 'vector' returned a penalty of shape (4) for the kit's minibatch: one value per "
                + "example of the minibatch of 4. A penalty must be a scalar, the mean of the per-example values over "
                + "the minibatch: sum them, then divide by the batch size, as in Scalars.div(perExample.sum(), "
                + "context.batchSize())", assertThrows(AssertionFailedError.class, check::assertFiniteScalar).getMessage());
    }

    @Test
    void randomDrawsRepeatWithTheMinibatch() {
        // SpectReg's estimator: one Gaussian projection per example, drawn in example order.
        Regularizer projected = context -> {
            NDArray logits = context.logits();
            float[] r = new float[Math.toIntExact(logits.size())];
            for (int i = 0; i < r.length; i++) {
                r[i] = (float) context.random().nextGaussian();
            }
            NDArray g = context.inputGradient(logits.mul(context.constant(r, logits.getShape())).sum());
            return Scalars.div(g.square().sum(), context.batchSize());
        };
        PenaltyCheck.of("projected", projected).assertAll(example -> {
            double[][] j = example.logitJacobian();
            double[] r = new double[j.length];
            for (int k = 0; k < r.length; k++) {
                r[k] = (float) example.random().nextGaussian();
            }
            double sum = 0;
            for (int q = 0; q < j[0].length; q++) {
                double v = 0;
                for (int k = 0; k < r.length; k++) {
                    v += r[k] * j[k][q];
                }
                sum += v * v;
            }
            return sum;
        });
    }

    // ---- the batch-norm network ----

    @Test
    void theBatchNormNetworkCouplesTheExamplesOfAMinibatchAndThePlainOneDoesNot() {
        KitEngine.start();
        double[] images = KitMinibatch.images(2);
        double[] changed = images.clone();
        changed[TinyLeNet.PIXELS + 300] += 0.5; // a pixel of the second image
        for (boolean batchNorm : new boolean[] {false, true}) {
            try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
                TinyLeNet net = new TinyLeNet(manager, KitMinibatch.NETWORK_SEED, batchNorm);
                double[] before = KitMinibatch.logits(net, manager, images, 2);
                double[] after = KitMinibatch.logits(net, manager, changed, 2);
                double firstChanged = Math.abs(after[0] - before[0]);
                assertEquals(batchNorm, firstChanged > 1e-6, "the first image's logit moved by " + firstChanged
                        + " with batch norm " + batchNorm);
                assertTrue(Math.abs(after[TinyLeNet.CLASSES] - before[TinyLeNet.CLASSES]) > 1e-6, "the second's moved");
            }
        }
    }

    @Test
    void aCorrectPenaltyPassesOnTheBatchNormNetworkAndBrokenOnesFailThere() {
        PenaltyCheck.of("squared", SQUARED).onBatchNormNetwork().assertAll();

        Regularizer detached = context -> Scalars.mul(
                context.manager().create(context.inputGradient(context.loss()).toDoubleArray())
                        .square().sum(), context.batchSize());
        String gradient = assertThrows(AssertionFailedError.class,
                () -> PenaltyCheck.of("detached", detached).onBatchNormNetwork().assertAll()).getMessage();
        assertTrue(gradient.startsWith("regularizer 'detached' on the kit's batch-norm network: d(loss + 1.0 * penalty)"),
                gradient);

        String mean = assertThrows(AssertionFailedError.class,
                () -> PenaltyCheck.of("unscaled", PenaltyCheckTest::gradientNorm).onBatchNormNetwork().assertAll())
                .getMessage();
        assertTrue(mean.startsWith("regularizer 'unscaled' on the kit's batch-norm network: the penalty is "), mean);
        assertTrue(mean.contains("(ratio 0.500000)"), mean);

        IllegalStateException noDefinition = assertThrows(IllegalStateException.class, () -> PenaltyCheck.of("squared",
                SQUARED).onBatchNormNetwork().assertAll(PenaltyCheckTest::definition));
        assertTrue(noDefinition.getMessage().contains("check the definition on the plain network"),
                noDefinition.getMessage());
    }
}
