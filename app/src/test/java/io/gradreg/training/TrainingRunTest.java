package io.gradreg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.gradreg.TestData;
import io.gradreg.autograd.TorchPenaltyContext;
import io.gradreg.data.SubsetSpec;
import io.gradreg.model.Architecture;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.spi.testkit.FreedMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainingRunTest {

    @BeforeAll
    static void engine() {
        TorchEngine.start(1);
    }

    @Test
    void learningRateDropsTenfoldAtHalfAndThreeQuarters() {
        TrainingConfig c = TrainingConfig.builder().minibatches(10_000).learningRate(0.001).build();
        assertEquals(0.001, c.learningRateAt(0), 1e-15);
        assertEquals(0.001, c.learningRateAt(4_999), 1e-15);
        assertEquals(0.0001, c.learningRateAt(5_000), 1e-15);
        assertEquals(0.0001, c.learningRateAt(7_499), 1e-15);
        assertEquals(0.00001, c.learningRateAt(7_500), 1e-15);
        assertEquals(0.00001, c.learningRateAt(9_999), 1e-15);
    }

    @Test
    void sameSeedTrainsIdenticallyDifferentSeedDoesNot() {
        for (Architecture a : Architecture.values()) {
            TrainingConfig config = TrainingConfig.builder().architecture(a).regularizer("spectreg").weight(0.01)
                    .minibatches(15).seed(17).build();
            List<Double> first = losses(config);
            assertEquals(first, losses(config), a + ": same seed, same losses");
            assertFalse(first.equals(losses(config.toBuilder().seed(18).build())), a + ": another seed differs");
        }
    }

    @Test
    void parametersAreIdenticalAfterRunsWithTheSameSeed() {
        TrainingConfig config = TrainingConfig.builder().architecture(Architecture.DROPOUT).regularizer("doubleback")
                .weight(1).minibatches(10).seed(4).build();
        assertArrayEquals(finalWeights(config), finalWeights(config));
    }

    @Test
    void runResumedFromACheckpointContinuesExactlyAsIfNeverStopped() {
        for (Architecture a : Architecture.values()) {
            TrainingConfig config = TrainingConfig.builder().architecture(a).regularizer("spectreg").weight(0.1)
                    .minibatches(16).seed(23).build();
            List<Double> straight = new ArrayList<>();
            float[] straightWeights;
            byte[] checkpoint;
            try (NDManager manager = NDManager.newBaseManager();
                    TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
                for (int i = 0; i < 8; i++) {
                    run.step();
                }
                checkpoint = run.checkpoint();
                while (!run.finished()) {
                    straight.add(run.step().loss());
                }
                straightWeights = flatten(run.parameters());
            }
            List<Double> resumed = new ArrayList<>();
            try (NDManager manager = NDManager.newBaseManager();
                    TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
                run.restore(checkpoint);
                assertEquals(8, run.minibatchesDone());
                while (!run.finished()) {
                    resumed.add(run.step().loss());
                }
                assertEquals(straight, resumed, a + ": losses after resuming");
                assertArrayEquals(straightWeights, flatten(run.parameters()), a + ": final weights");
            }
        }
    }

    /** A checkpoint damaged anywhere (header, lengths, values) is a TrainingException, never another exception. */
    @Test
    void aDamagedCheckpointFailsItsRestoreWithATrainingException() {
        TrainingConfig config = TrainingConfig.builder().minibatches(4).seed(3).build();
        byte[] checkpoint;
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
            run.step();
            checkpoint = run.checkpoint();
        }
        java.util.Random random = new java.util.Random(7);
        for (int trial = 0; trial < 40; trial++) {
            byte[] damaged = trial < 20 ? java.util.Arrays.copyOf(checkpoint, random.nextInt(checkpoint.length))
                    : checkpoint.clone();
            if (trial >= 20) { // four bytes of garbage in the first kilobyte, where the lengths are
                int at = random.nextInt(Math.min(1024, damaged.length - 4));
                for (int i = 0; i < 4; i++) {
                    damaged[at + i] = (byte) random.nextInt(256);
                }
            }
            try (NDManager manager = NDManager.newBaseManager();
                    TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
                try {
                    run.restore(damaged);
                } catch (TrainingException expected) {
                    // detected; a damage that still parses is the store's checksum's to catch
                }
            }
        }
    }

    /**
     * Garbage collections while a step runs must not change it (the use-after-free of DJL's
     * {@code array.div(n)} described in {@link io.gradreg.spi.Scalars}): a run trained while another
     * thread collects garbage and fills freed native memory with NaN ends with the same weights as
     * one trained quietly. With any one {@code Scalars} call put back to DJL's form, some
     * regularizer here ends differently or diverges.
     */
    @Test
    void garbageCollectionDuringStepsChangesNothing() throws Exception {
        for (String regularizer : List.of("none", "cp", "doubleback", "spectreg", "frobreg")) {
            TrainingConfig config = TrainingConfig.builder().regularizer(regularizer).weight(0.1).minibatches(25)
                    .seed(29).build();
            float[] quiet = trainedWeights(config);
            AtomicBoolean stop = new AtomicBoolean();
            Thread churn = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        FreedMemory.overwriteWithNaN(500);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            churn.start();
            float[] churned;
            try {
                churned = trainedWeights(config);
            } finally {
                stop.set(true);
                churn.join();
            }
            assertArrayEquals(quiet, churned, regularizer + ": weights after training during garbage collections");
        }
    }

    private static float[] trainedWeights(TrainingConfig config) {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
            while (!run.finished()) {
                run.step();
            }
            return flatten(run.parameters());
        }
    }

    @Test
    void parameterGradientsNeverHoldAGraphBetweenSteps() {
        // The memory leak of double backpropagation in DJL is a graph kept alive by a parameter's .grad.
        TrainingConfig config = TrainingConfig.builder().regularizer("frobreg").weight(0.1).minibatches(3).build();
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
            run.step();
            run.step();
            for (NDArray w : run.parameters()) {
                NDArray grad = w.getGradient();
                assertFalse(ai.djl.pytorch.jni.JniUtils.requiresGrad((ai.djl.pytorch.engine.PtNDArray) grad),
                        "gradient of " + w.getShape() + " carries a graph");
                assertEquals(0.0, grad.abs().sum().getFloat(), "gradients are zeroed after the update");
            }
        }
    }

    @Test
    void shortRunLearns() {
        TrainingConfig config = TrainingConfig.builder().regularizer("none").minibatches(300)
                .subset(SubsetSpec.perClass(100)).seed(2).build();
        TrainingResult result = new RunTrainer(TestData.mnist()).train(config, TestData.penalty(config), p -> { });
        assertEquals(10_000, result.test().examples());
        assertTrue(result.test().accuracy() > 0.85, "accuracy " + result.test().accuracy());
    }

    @Test
    void divergenceFailsTheRunNamingSeedAndRegularizer() {
        TrainingConfig config = TrainingConfig.builder().regularizer("doubleback").weight(1e30).learningRate(10)
                .minibatches(50).seed(9).build();
        TrainingException e = assertThrows(TrainingException.class,
                () -> new RunTrainer(TestData.mnist()).train(config, TestData.penalty(config), p -> { }));
        assertTrue(e.getMessage().startsWith("run with seed 9 diverged at minibatch "), e.getMessage());
        assertTrue(e.getMessage().contains("regularizer 'doubleback'"), e.getMessage());
    }

    @Test
    void aLastUpdateThatMakesTheParametersNonFiniteFailsTheRun() {
        // one minibatch: its loss (before the update) is finite, the update at this rate is not
        TrainingConfig config = TrainingConfig.builder().regularizer("none").learningRate(1e300).minibatches(1)
                .seed(4).build();
        TrainingException e = assertThrows(TrainingException.class,
                () -> new RunTrainer(TestData.mnist()).train(config, TestData.penalty(config), p -> { }));
        assertTrue(e.getMessage().startsWith("run with seed 4 diverged at minibatch 1: its last update made the "
                + "network's parameters non-finite (loss before it "), e.getMessage());
    }

    @Test
    void evaluationNeverReturnsANonFiniteResult() {
        TrainingConfig config = TrainingConfig.builder().build();
        try (NDManager manager = NDManager.newBaseManager()) {
            ai.djl.nn.Block model = io.gradreg.model.LeNet5.build(config.architecture(), config.initialization(),
                    config.conv2Same(), config.batchNorm(), new java.util.SplittableRandom(0), () -> null);
            model.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, io.gradreg.model.LeNet5.inputShape(1));
            model.getParameters().valueAt(0).getArray().muli(Float.NaN);
            TrainingException e = assertThrows(TrainingException.class, () -> Evaluator.evaluate(model,
                    new ai.djl.training.ParameterStore(manager, false), manager, ai.djl.ndarray.types.DataType.FLOAT32,
                    TestData.mnist().test()));
            assertEquals("the trained network's test loss is NaN (its parameters are not finite); the run diverged",
                    e.getMessage());
        }
    }

    @Test
    void invalidConfigurationIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingConfig.builder().learningRate(-1).build());
        assertEquals("learning rate must be positive, was -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainingConfig.builder().decayAt(List.of(1.5)).build());
        assertEquals("learning-rate decay points are fractions of training in (0, 1), got 1.5", e.getMessage());
    }

    private static List<Double> losses(TrainingConfig config) {
        List<Double> losses = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
            while (!run.finished()) {
                var p = run.step();
                losses.add(p.loss());
                losses.add(p.penalty());
            }
        }
        return losses;
    }

    private static float[] finalWeights(TrainingConfig config) {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
            while (!run.finished()) {
                run.step();
            }
            return flatten(run.parameters());
        }
    }

    private static float[] flatten(List<NDArray> arrays) {
        List<Float> all = new ArrayList<>();
        for (NDArray w : arrays) {
            for (float v : w.toFloatArray()) {
                all.add(v);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }


    @Test
    void onlyPenaltiesOfTheOutputsAloneSkipTheInputGradient() {
        Regularizers all = Regularizers.builtIn();
        for (String name : List.of("none", "cp")) {
            assertFalse(all.create(name, java.util.Map.of()).usesInputGradients(), name);
        }
        for (String name : List.of("doubleback", "spectreg", "frobreg", "jacreg")) {
            assertTrue(all.create(name, java.util.Map.of()).usesInputGradients(), name);
        }
    }

    @Test
    void inputGradientFailsClearlyWhenTheInputWasNotDifferentiable() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.ones(new ai.djl.ndarray.types.Shape(2, 3));
            TorchPenaltyContext context = new TorchPenaltyContext(x, x, x.sum(), x, 2, new java.util.SplittableRandom(1), null, manager);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> context.inputGradient(x.sum()));
            assertEquals("inputGradient was called by a regularizer whose usesInputGradients() returns false; "
                    + "return true there", e.getMessage());
        }
    }

    @Test
    void aPenaltyThatIsNotAScalarFailsNamingTheMinibatchAndHowToReduceIt() {
        TrainingConfig config = TrainingConfig.builder().regularizer("perexample").weight(1).minibatches(3).seed(5)
                .build();
        Penalty perExample = new Penalty("'perexample' (perexample.jar)",
                context -> context.logits().logSoftmax(1).sum(new int[] {1}));
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, TestData.mnist(), perExample, manager)) {
            TrainingException e = assertThrows(TrainingException.class, run::step);
            assertEquals("regularizer 'perexample' (perexample.jar) returned a penalty of shape (50) at minibatch 1 of "
                    + "the run with seed 5: one value per example of the minibatch of 50. A penalty must be a scalar, "
                    + "the mean of the per-example values over the minibatch: sum them, then divide by the batch "
                    + "size, as in Scalars.div(perExample.sum(), context.batchSize())", e.getMessage());
        }
    }

    @Test
    void aCheckpointEvaluatesLikeTheRunItCameFromWithoutTheOptimizerOrRegularizer() {
        for (Architecture architecture : Architecture.values()) { // batch norm: running statistics included
            TrainingConfig config = TrainingConfig.builder().architecture(architecture).regularizer("spectreg")
                    .weight(0.03).subset(SubsetSpec.perClass(10)).minibatches(30).seed(3).build();
            try (NDManager manager = NDManager.newBaseManager();
                    TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
                TrainingLoop.fit(run);
                Evaluation direct = run.evaluate();
                Evaluation fromCheckpoint = Evaluator.ofCheckpoint(config, run.checkpoint(), TestData.mnist());
                assertEquals(direct, fromCheckpoint, architecture.id());
                assertTrue(direct.accuracy() > 0.2, architecture.id() + " learned nothing: " + direct);
            }
        }
    }
}
