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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every built-in regularizer checked against central finite differences in double precision, on
 * LeNet-5 after a few training steps (so biases are not zero), with noise added to the images
 * so that no ReLU input or max-pool window sits exactly at a kink or a tie.
 *
 * <ol>
 *   <li>The penalty equals its definition computed independently: per-example Jacobians of the
 *       logits by central differences over all 784 pixels, softmax and cross-entropy in Java.
 *   <li>The parameter gradient of loss + weight * penalty, from one backward pass through the
 *       penalty's own input gradients, equals central differences of that total.
 * </ol>
 */
class GradientCheckTest {

    static final int B = 3;
    static final int CLASSES = 10;
    static final long PROJECTION_SEED = 99;
    static Mnist mnist;

    @BeforeAll
    static void setUp() {
        TorchEngine.start(1);
        mnist = TestData.mnist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "doubleback", "jacreg", "frobreg", "spectreg", "cp"})
    void penaltyMatchesItsDefinitionByFiniteDifferences(String regularizer) {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = warmRun(Architecture.BASELINE, regularizer, manager)) {
            double[] images = noisyImages(7);
            int[] labels = labels();
            double actual;
            try (NDManager step = manager.newSubManager()) {
                actual = objective(run, step, images, labels, 0)[1];
            }
            double[][][] jacobian = new double[B][][];
            double[][] logits = new double[B][];
            for (int i = 0; i < B; i++) {
                logits[i] = evalLogits(run, manager, images, i);
                jacobian[i] = logitJacobian(run, manager, images, i);
            }
            double expected = definition(regularizer, logits, jacobian, labels);
            assertEquals(expected, actual, 1e-10 + 1e-6 * Math.abs(expected),
                    regularizer + ": penalty " + actual + " vs definition " + expected);
            if (!regularizer.equals("none")) {
                assertTrue(Math.abs(expected) > 1e-6, "a vacuous check: the penalty is ~0");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "baseline, none", "baseline, doubleback", "baseline, jacreg", "baseline, frobreg", "baseline, spectreg",
        "baseline, cp", "batchnorm, doubleback", "batchnorm, frobreg", "batchnorm, spectreg"
    })
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

    // ---- independent definitions ----

    static double definition(String regularizer, double[][] logits, double[][][] jacobian, int[] labels) {
        double sum = 0;
        SplittableRandom projections = new SplittableRandom(PROJECTION_SEED);
        double[][] r = new double[B][CLASSES];
        for (int i = 0; i < B; i++) {
            for (int k = 0; k < CLASSES; k++) {
                r[i][k] = (float) projections.nextGaussian(); // SpectReg draws floats, row-major
            }
        }
        for (int i = 0; i < B; i++) {
            double[] p = softmax(logits[i]);
            double[][] j = jacobian[i];
            int pixels = j[0].length;
            switch (regularizer) {
                case "none" -> { }
                case "frobreg" -> sum += squaredNorm(j);
                case "jacreg" -> sum += squaredNorm(softmaxJacobian(p, j));
                case "spectreg" -> {
                    for (int q = 0; q < pixels; q++) {
                        double v = 0;
                        for (int k = 0; k < CLASSES; k++) {
                            v += r[i][k] * j[k][q];
                        }
                        sum += v * v;
                    }
                }
                case "doubleback" -> {
                    // d(-log p_y)/dx = sum_k (p_k - [k = y]) dz_k/dx
                    for (int q = 0; q < pixels; q++) {
                        double v = 0;
                        for (int k = 0; k < CLASSES; k++) {
                            v += (p[k] - (k == labels[i] ? 1 : 0)) * j[k][q];
                        }
                        sum += v * v;
                    }
                }
                case "cp" -> {
                    for (double pk : p) {
                        sum += pk * Math.log(pk);
                    }
                }
                default -> throw new IllegalArgumentException(regularizer);
            }
        }
        return sum / B;
    }

    /** J_softmax = (diag p - p p^T) J_logits. */
    static double[][] softmaxJacobian(double[] p, double[][] j) {
        double[][] out = new double[CLASSES][j[0].length];
        for (int a = 0; a < CLASSES; a++) {
            for (int b = 0; b < CLASSES; b++) {
                double d = (a == b ? p[a] : 0) - p[a] * p[b];
                for (int q = 0; q < j[0].length; q++) {
                    out[a][q] += d * j[b][q];
                }
            }
        }
        return out;
    }

    static double squaredNorm(double[][] m) {
        double s = 0;
        for (double[] row : m) {
            for (double v : row) {
                s += v * v;
            }
        }
        return s;
    }

    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double[] p = new double[z.length];
        double sum = 0;
        for (int k = 0; k < z.length; k++) {
            p[k] = Math.exp(z[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < z.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** Jacobian of example i's logits by central differences: one forward of 2 * 784 perturbed copies. */
    static double[][] logitJacobian(TrainingRun run, NDManager manager, double[] images, int i) {
        int n = Mnist.PIXELS;
        // The logits are piecewise linear in the input (ReLU, max-pool, affine layers), so a small
        // step has no truncation error and rarely crosses a kink.
        double h = 1e-6;
        double[] batch = new double[2 * n * n];
        for (int q = 0; q < n; q++) {
            System.arraycopy(images, i * n, batch, (2 * q) * n, n);
            System.arraycopy(images, i * n, batch, (2 * q + 1) * n, n);
            batch[(2 * q) * n + q] += h;
            batch[(2 * q + 1) * n + q] -= h;
        }
        double[] z = forward(run, manager, batch, 2 * n);
        double[][] jacobian = new double[CLASSES][n];
        for (int q = 0; q < n; q++) {
            for (int k = 0; k < CLASSES; k++) {
                jacobian[k][q] = (z[(2 * q) * CLASSES + k] - z[(2 * q + 1) * CLASSES + k]) / (2 * h);
            }
        }
        return jacobian;
    }

    static double[] evalLogits(TrainingRun run, NDManager manager, double[] images, int i) {
        double[] one = new double[Mnist.PIXELS];
        System.arraycopy(images, i * Mnist.PIXELS, one, 0, Mnist.PIXELS);
        return forward(run, manager, one, 1);
    }

    /** Baseline LeNet-5 computes the same function in training and inference mode. */
    private static double[] forward(TrainingRun run, NDManager manager, double[] images, int n) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(images, LeNet5.inputShape(n));
            return run.model().forward(run.parameterStore(), new NDList(x), false).singletonOrThrow().toDoubleArray();
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
