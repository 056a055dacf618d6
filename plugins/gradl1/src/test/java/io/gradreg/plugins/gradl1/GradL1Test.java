package io.gradreg.plugins.gradl1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.gradreg.spi.PenaltyContext;
import io.gradreg.spi.RegularizerException;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import io.gradreg.spi.Scalars;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The penalty on a linear softmax model z = x W + b in float64, checked against central finite
 * differences of each example's cross-entropy computed in plain Java (no DJL in the reference).
 */
class GradL1Test {

    private static final int D = 5;
    private static final int K = 4;
    private static final double[][] W = gaussian(D, K, 11);
    private static final double[] BIAS = gaussian(1, K, 12)[0];

    @Test
    void penaltyIsTheMeanL1NormOfPerExampleLossGradients() {
        double[][] x = gaussian(3, D, 1);
        int[] labels = {0, 3, 1};
        assertEquals(reference(x, labels, 0), pluginPenalty(x, labels, "0"), 1e-7);
    }

    @Test
    void smoothedPenaltyMatchesItsFormula() {
        double[][] x = gaussian(3, D, 2);
        int[] labels = {2, 2, 1};
        double smoothing = 0.05;
        double expected = reference(x, labels, smoothing);
        assertEquals(expected, pluginPenalty(x, labels, "0.05"), 1e-7);
        // The smoothing lowers every term by at most s: sqrt(u^2 + s^2) - s >= |u| - s.
        double l1 = reference(x, labels, 0);
        assertTrue(expected < l1 && expected > l1 - smoothing * x.length * D, expected + " vs " + l1);
    }

    @Test
    void penaltyIsAPerExampleMeanIndependentOfBatchSize() {
        double[][] x = gaussian(2, D, 3);
        int[] labels = {1, 0};
        double[][] twice = {x[0], x[1], x[0], x[1]};
        assertEquals(pluginPenalty(x, labels, "0"), pluginPenalty(twice, new int[] {1, 0, 1, 0}, "0"), 1e-9);
    }

    @Test
    void negativeSmoothingIsRefusedNamingTheParameter() {
        RegularizerProvider provider = new GradL1();
        RegularizerException e = assertThrows(RegularizerException.class,
                () -> provider.create(RegularizerParameters.of(provider, Map.of("smoothing", "-1"))));
        assertEquals("parameter 'smoothing' of regularizer 'gradl1' must be zero or a positive number, was '-1'",
                e.getMessage());
    }

    @Test
    void serviceLoaderFindsTheProvider() {
        List<String> names = ServiceLoader.load(RegularizerProvider.class).stream()
                .map(p -> p.get().name()).toList();
        assertEquals(List.of("gradl1"), names);
    }

    /** (1/B) sum_i sum_j h(d loss_i / d x_ij), derivatives by central differences. */
    private static double reference(double[][] x, int[] labels, double smoothing) {
        double h = 1e-5;
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < D; j++) {
                double[] plus = x[i].clone();
                double[] minus = x[i].clone();
                plus[j] += h;
                minus[j] -= h;
                double u = (crossEntropy(plus, labels[i]) - crossEntropy(minus, labels[i])) / (2 * h);
                sum += smoothing == 0 ? Math.abs(u) : Math.sqrt(u * u + smoothing * smoothing) - smoothing;
            }
        }
        return sum / x.length;
    }

    /** -log softmax(x W + b)[label], in plain Java. */
    private static double crossEntropy(double[] x, int label) {
        double[] z = BIAS.clone();
        for (int k = 0; k < K; k++) {
            for (int j = 0; j < D; j++) {
                z[k] += x[j] * W[j][k];
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double norm = 0;
        for (double v : z) {
            norm += Math.exp(v - max);
        }
        return max + Math.log(norm) - z[label];
    }

    /** The plugin's penalty, with the model and loss built in DJL as gradreg's trainer does. */
    private static double pluginPenalty(double[][] x, int[] labels, String smoothing) {
        int b = x.length;
        try (NDManager manager = NDManager.newBaseManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray input = manager.create(flatten(x), new Shape(b, D));
            input.setRequiresGradient(true);
            NDArray logits = input.matMul(manager.create(flatten(W), new Shape(D, K))).add(manager.create(BIAS));
            NDArray y = manager.create(labels);
            NDArray oneHot = y.oneHot(K).toType(DataType.FLOAT64, false);
            NDArray loss = Scalars.div(logits.logSoftmax(1).mul(oneHot).sum().neg(), b);
            PenaltyContext context = new FirstOrderContext(input, logits, loss, y, manager, collector);
            RegularizerProvider provider = new GradL1();
            return provider.create(RegularizerParameters.of(provider, Map.of("smoothing", smoothing)))
                    .penalty(context).getDouble();
        }
    }

    /**
     * A {@link PenaltyContext} whose input gradient is a plain first-order backward: enough to
     * check the penalty's value (gradreg's own context keeps the graph so that the penalty can be
     * differentiated again; that machinery is tested in gradreg).
     */
    private record FirstOrderContext(NDArray input, NDArray logits, NDArray loss, NDArray labels, NDManager manager,
            GradientCollector collector) implements PenaltyContext {

        @Override
        public int batchSize() {
            return Math.toIntExact(input.getShape().get(0));
        }

        @Override
        public RandomGenerator random() {
            return new Random(1);
        }

        @Override
        public NDArray inputGradient(NDArray scalar) {
            collector.backward(scalar);
            return input.getGradient();
        }

        @Override
        public NDArray constant(float[] values, Shape shape) {
            return manager.create(values, shape).toType(logits.getDataType(), false);
        }
    }

    private static double[][] gaussian(int rows, int columns, long seed) {
        Random random = new Random(seed);
        double[][] m = new double[rows][columns];
        for (double[] row : m) {
            for (int j = 0; j < columns; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return m;
    }

    private static double[] flatten(double[][] m) {
        return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
    }
}
