package io.gradreg.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import io.gradreg.TestData;
import io.gradreg.data.Mnist;
import io.gradreg.model.LeNet5;
import io.gradreg.training.TorchEngine;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a linear softmax model, logits z = W x + b, every derivative has a closed form:
 * d z / d x = W for every input, so ||d z / d x||_F = ||W||_F; d loss_i / d x_i = W^T (softmax(z_i)
 * - onehot(y_i)); FGSM moves every pixel by epsilon along the sign of that, then clips to [0, 1].
 * The attack and norm code must reproduce them (in double precision, to 1e-12 relative).
 */

class LinearClosedFormTest {

    static final int N = 12;
    static final double[][] W = new double[Mnist.CLASSES][Mnist.PIXELS];
    static final double[] B = new double[Mnist.CLASSES];

    @BeforeAll
    static void engineAndWeights() {
        TorchEngine.start(1);
        Random random = new Random(11);
        for (double[] row : W) {
            for (int p = 0; p < Mnist.PIXELS; p++) {
                row[p] = random.nextGaussian() * 0.05;
            }
        }
        for (int k = 0; k < B.length; k++) {
            B[k] = random.nextGaussian();
        }
    }

    private interface Check {
        void run(Classifier classifier, NDManager manager, SequentialBlock model, ParameterStore parameters);
    }

    private static void withLinearModel(Check check) {
        try (NDManager manager = NDManager.newBaseManager()) {
            SequentialBlock model = new SequentialBlock().add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(Mnist.CLASSES).build());
            model.initialize(manager, DataType.FLOAT64, LeNet5.inputShape(1));
            for (var p : model.getParameters()) {
                NDArray array = p.getValue().getArray();
                NDArray value = p.getKey().endsWith("weight") ? manager.create(W) : manager.create(B);
                array.subi(array).addi(value.reshape(array.getShape()));
            }
            ParameterStore parameters = new ParameterStore(manager, false);
            try (Classifier classifier = new Classifier(model, parameters, DataType.FLOAT64, manager)) {
                check.run(classifier, manager, model, parameters);
            }
        }
    }

    /** The first N test images as the evaluation stages them (float pixels, widened). */
    private static double[][] images() {
        float[] pixels = new float[N * Mnist.PIXELS];
        double[][] x = new double[N][Mnist.PIXELS];
        for (int i = 0; i < N; i++) {
            TestData.mnist().test().copyImage(i, pixels, i * Mnist.PIXELS);
            for (int p = 0; p < Mnist.PIXELS; p++) {
                x[i][p] = pixels[i * Mnist.PIXELS + p];
            }
        }
        return x;
    }

    /** W^T (softmax(W x + b) - onehot(y)). */
    private static double[] lossGradient(double[] x, int y) {
        double[] z = new double[Mnist.CLASSES];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < z.length; k++) {
            z[k] = B[k];
            for (int p = 0; p < Mnist.PIXELS; p++) {
                z[k] += W[k][p] * x[p];
            }
            max = Math.max(max, z[k]);
        }
        double sum = 0;
        for (int k = 0; k < z.length; k++) {
            z[k] = Math.exp(z[k] - max);
            sum += z[k];
        }
        double[] g = new double[Mnist.PIXELS];
        for (int k = 0; k < z.length; k++) {
            double coefficient = z[k] / sum - (k == y ? 1 : 0);
            for (int p = 0; p < Mnist.PIXELS; p++) {
                g[p] += W[k][p] * coefficient;
            }
        }
        return g;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d * d;
        }
        return Math.sqrt(s);
    }

    private static double frobenius() {
        double s = 0;
        for (double[] row : W) {
            s += norm(row) * norm(row);
        }
        return Math.sqrt(s);
    }

    private static NDArray input(NDManager manager, double[][] x) {
        return manager.create(x).reshape(LeNet5.inputShape(N));
    }

    private static NDArray oneHot(NDManager manager) {
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = TestData.mnist().test().label(i);
        }
        return manager.create(labels).oneHot(Mnist.CLASSES).toType(DataType.FLOAT64, false);
    }

    @Test
    void lossGradientAndJacobianNormsAreTheirClosedForms() {
        double[][] x = images();
        withLinearModel((classifier, manager, model, parameters) -> {
            double[] gradient = classifier.lossGradient(input(manager, x), oneHot(manager)).toDoubleArray();
            double[] norms = new GradientNorms(classifier).lossGradientNorms(input(manager, x), oneHot(manager));
            double[] jacobian = new GradientNorms(classifier).jacobianNorms(input(manager, x));
            for (int i = 0; i < N; i++) {
                double[] expected = lossGradient(x[i], TestData.mnist().test().label(i));
                for (int p = 0; p < Mnist.PIXELS; p++) {
                    assertEquals(expected[p], gradient[i * Mnist.PIXELS + p], 1e-12 * norm(expected), "image " + i);
                }
                assertEquals(norm(expected), norms[i], 1e-12 * norm(expected), "||d loss / d x|| of image " + i);
                assertEquals(frobenius(), jacobian[i], 1e-12 * frobenius(), "||d z / d x||_F of image " + i);
            }
        });
    }

    @Test
    void fgsmMovesEveryPixelByEpsilonAlongTheSignOfTheClosedFormAndClips() {
        double[][] x = images();
        double epsilon = 0.1;
        withLinearModel((classifier, manager, model, parameters) -> {
            double[] attacked = new Attacks(classifier).fgsm(input(manager, x), oneHot(manager), epsilon).toDoubleArray();
            int moved = 0;
            for (int i = 0; i < N; i++) {
                double[] g = lossGradient(x[i], TestData.mnist().test().label(i));
                for (int p = 0; p < Mnist.PIXELS; p++) {
                    double expected = Math.min(1, Math.max(0, x[i][p] + epsilon * Math.signum(g[p])));
                    assertEquals(expected, attacked[i * Mnist.PIXELS + p], 1e-15, "image " + i + " pixel " + p);
                    moved += expected != x[i][p] ? 1 : 0;
                }
            }
            assertTrue(moved > N * Mnist.PIXELS / 4, "pixels moved: " + moved);
        });
    }

    @Test
    void theEvaluationsMeanNormsAreTheClosedFormsMeans() {
        double[][] x = images();
        withLinearModel((classifier, manager, model, parameters) -> {
            RobustnessResult r = RobustnessEvaluator.evaluate(model, parameters, manager, DataType.FLOAT64,
                    TestData.mnist().test(), N, RobustnessSpec.parse("gradnorm"), 1);
            double mean = 0;
            for (int i = 0; i < N; i++) {
                mean += norm(lossGradient(x[i], TestData.mnist().test().label(i))) / N;
            }
            Map<String, Double> m = r.measures();
            assertEquals(mean, m.get("gradnorm"), 1e-12 * mean);
            for (String jacobian : new String[] {"jacobian", "jacobian@noise", "jacobian@midpoint"}) {
                assertEquals(frobenius(), m.get(jacobian), 1e-12 * frobenius(), jacobian);
            }
        });
    }
}
