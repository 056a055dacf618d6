package io.gradreg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.gradreg.TestData;
import io.gradreg.autograd.TorchPenaltyContext;
import io.gradreg.data.Mnist;
import io.gradreg.model.Architecture;
import io.gradreg.model.LeNet5;
import io.gradreg.spi.Scalars;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The built-ins' gradients on gradreg's own LeNet-5 with batch normalization, where the examples of
 * a minibatch interact (the cross-example terms of {@code JacobianNorms}): the parameter gradient
 * of loss + weight * penalty, from one backward pass through the penalty's own input gradients,
 * equals central differences of that total, in double precision, after a few training steps (so
 * biases are not zero), with noise added to the images so that no ReLU input or max-pool window
 * sits exactly at a kink or a tie.
 *
 * <p>Each built-in's value and gradient on the plugin test kit's network (as a plugin's are
 * checked) are in {@code io.gradreg.regularizer.builtin.BuiltInsOnTheKitTest}.
 */
class GradientCheckTest {

    static final int B = 3;
    static final long PROJECTION_SEED = 99;
    static Mnist mnist;

    @BeforeAll
    static void setUp() {
        TorchEngine.start(1);
        mnist = TestData.mnist();
    }

    @ParameterizedTest
    @CsvSource({"batchnorm, doubleback", "batchnorm, frobreg", "batchnorm, spectreg"})
    void parameterGradientMatchesFiniteDifferences(String architecture, String regularizer) {
        double weight = 0.7;
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = warmRun(Architecture.parse(architecture), regularizer, manager)) {
            double[] images = noisyImages(11);
            int[] labels = labels();
            List<double[]> analytic = new ArrayList<>();
            try (NDManager step = manager.newSubManager()) {
                NDArray total = objectiveArray(run, step, images, labels, weight);
                JniUtils.setGradMode(true);
                JniUtils.backward((PtNDArray) total, (PtNDArray) step.ones(new Shape(), DataType.FLOAT64), false, false);
                JniUtils.setGradMode(false);
                for (NDArray w : run.parameters()) {
                    analytic.add(JniUtils.getGradient((PtNDArray) w).toDoubleArray());
                    JniUtils.zeroGrad((PtNDArray) w);
                }
            }
            SplittableRandom pick = new SplittableRandom(5);
            int checked = 0;
            int kinks = 0;
            for (int t = 0; t < run.parameters().size(); t++) {
                NDArray w = run.parameters().get(t);
                for (int rep = 0; rep < 2; rep++) {
                    int index = pick.nextInt(Math.toIntExact(w.size()));
                    double numeric = centralDifference(run, manager, w, index, 1e-5, images, labels, weight);
                    double finer = centralDifference(run, manager, w, index, 1e-6, images, labels, weight);
                    if (Math.abs(numeric - finer) > 1e-4 * Math.max(1, Math.abs(numeric))) {
                        // A ReLU or max-pool kink lies within h of this point: the two step sizes
                        // disagree and neither is a derivative. Count it and check another entry.
                        kinks++;
                        rep--;
                        continue;
                    }
                    double exact = analytic.get(t)[index];
                    assertEquals(numeric, exact, 2e-5 + 1e-4 * Math.abs(numeric),
                            architecture + "/" + regularizer + " parameter " + t + " " + w.getShape() + "[" + index + "]");
                    checked++;
                }
            }
            assertTrue(kinks <= 3, kinks + " kinks: the finite differences are not meaningful here");
            assertEquals(2 * run.parameters().size(), checked);
        }
    }

    // ---- the objective as the trainer computes it ----

    /** {loss, penalty, loss + weight * penalty} in training mode. */
    static double[] objective(TrainingRun run, NDManager step, double[] images, int[] labels, double weight) {
        NDArray[] parts = parts(run, step, images, labels, weight);
        return new double[] {parts[0].getDouble(), parts[1].getDouble(), parts[2].getDouble()};
    }

    static NDArray objectiveArray(TrainingRun run, NDManager step, double[] images, int[] labels, double weight) {
        return parts(run, step, images, labels, weight)[2];
    }

    private static NDArray[] parts(TrainingRun run, NDManager step, double[] images, int[] labels, double weight) {
        JniUtils.setGradMode(true);
        try {
            NDArray x = step.create(images, LeNet5.inputShape(B));
            x.setRequiresGradient(true);
            NDArray y = step.create(labels);
            NDArray logits = run.model().forward(run.parameterStore(), new NDList(x), true).singletonOrThrow();
            NDArray loss = TrainingRun.crossEntropy(logits, y);
            TorchPenaltyContext context = new TorchPenaltyContext(x, logits, loss, y, B, new SplittableRandom(PROJECTION_SEED),
                    run.inputGradients(), step);
            NDArray penalty = run.regularizer().penalty(context);
            return new NDArray[] {loss, penalty, loss.add(Scalars.mul(penalty, weight))};
        } finally {
            JniUtils.setGradMode(false);
        }
    }

    private static double centralDifference(TrainingRun run, NDManager manager, NDArray w, int index, double h,
            double[] images, int[] labels, double weight) {
        double plus = perturbed(run, manager, w, index, h, images, labels, weight);
        double minus = perturbed(run, manager, w, index, -h, images, labels, weight);
        return (plus - minus) / (2 * h);
    }

    private static double perturbed(TrainingRun run, NDManager manager, NDArray w, int index, double h,
            double[] images, int[] labels, double weight) {
        double[] delta = new double[Math.toIntExact(w.size())];
        delta[index] = h;
        try (NDManager step = manager.newSubManager()) {
            NDArray d = step.create(delta, w.getShape());
            w.addi(d);
            try {
                return objective(run, step, images, labels, weight)[2];
            } finally {
                w.subi(d);
            }
        }
    }

    // ---- fixtures ----

    static TrainingRun warmRun(Architecture architecture, String regularizer, NDManager manager) {
        TrainingConfig config = TrainingConfig.builder().architecture(architecture).regularizer(regularizer)
                .weight(0.01).batchSize(B).minibatches(100).seed(3)
                .precision(TrainingConfig.Precision.FLOAT64).build();
        TrainingRun run = new TrainingRun(config, mnist, TestData.penalty(config), manager);
        for (int s = 0; s < 5; s++) {
            run.step();
        }
        return run;
    }

    static double[] noisyImages(long seed) {
        SplittableRandom noise = new SplittableRandom(seed);
        float[] pixels = new float[B * Mnist.PIXELS];
        for (int i = 0; i < B; i++) {
            mnist.train().copyImage(i, pixels, i * Mnist.PIXELS);
        }
        double[] images = new double[pixels.length];
        for (int q = 0; q < pixels.length; q++) {
            images[q] = pixels[q] + 0.1 * noise.nextDouble();
        }
        return images;
    }

    static int[] labels() {
        int[] labels = new int[B];
        for (int i = 0; i < B; i++) {
            labels[i] = mnist.train().label(i);
        }
        return labels;
    }
}
