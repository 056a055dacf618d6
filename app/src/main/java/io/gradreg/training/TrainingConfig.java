package io.gradreg.training;

import io.gradreg.data.SubsetSpec;
import io.gradreg.model.Architecture;
import io.gradreg.model.BatchNormSettings;
import io.gradreg.model.Initialization;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that determines one training run. Two runs with equal configs (seed included) train
 * the same network on the same data in the same order. Build with {@link #builder()}; defaults
 * follow the paper's protocol (see docs/training.md).
 */
public record TrainingConfig(
        Architecture architecture,
        String regularizer,
        double weight,
        Map<String, String> regularizerParameters,
        SubsetSpec subset,
        int minibatches,
        int batchSize,
        double learningRate,
        List<Double> decayAt,
        double decayFactor,
        double beta1,
        double beta2,
        double epsilon,
        double weightDecay,
        long seed,
        Precision precision,
        Initialization initialization,
        boolean conv2Same,
        BatchNormSettings batchNorm) {

    /** Floating-point type of parameters and activations. */
    public enum Precision {
        FLOAT32,
        /** For gradient checks. */
        FLOAT64
    }

    public TrainingConfig {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(regularizer, "regularizer");
        Objects.requireNonNull(subset, "subset");
        Objects.requireNonNull(initialization, "initialization");
        Objects.requireNonNull(batchNorm, "batchNorm");
        regularizerParameters = Map.copyOf(regularizerParameters);
        decayAt = List.copyOf(decayAt);
        check(minibatches > 0, "minibatches must be positive, was " + minibatches);
        check(batchSize > 0, "batch size must be positive, was " + batchSize);
        check(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be positive, was " + learningRate);
        check(weight >= 0 && Double.isFinite(weight), "regularizer weight must be zero or positive, was " + weight);
        check(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), was " + beta1);
        check(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), was " + beta2);
        check(epsilon > 0, "epsilon must be positive, was " + epsilon);
        check(weightDecay >= 0, "weight decay must be zero or positive, was " + weightDecay);
        check(decayFactor > 0, "learning-rate decay factor must be positive, was " + decayFactor);
        for (double at : decayAt) {
            check(at > 0 && at < 1, "learning-rate decay points are fractions of training in (0, 1), got " + at);
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().architecture(architecture).regularizer(regularizer).weight(weight)
                .regularizerParameters(regularizerParameters).subset(subset).minibatches(minibatches)
                .batchSize(batchSize).learningRate(learningRate).decayAt(decayAt).decayFactor(decayFactor)
                .beta1(beta1).beta2(beta2).epsilon(epsilon).weightDecay(weightDecay).seed(seed).precision(precision)
                .initialization(initialization).conv2Same(conv2Same).batchNorm(batchNorm);
    }

    /** Learning rate for minibatch {@code step} (0-based): multiplied by the factor at each decay point. */
    public double learningRateAt(int step) {
        double rate = learningRate;
        for (double at : decayAt) {
            if (step >= Math.round(at * minibatches)) {
                rate *= decayFactor;
            }
        }
        return rate;
    }

    /** Builder with the paper's defaults. */
    public static final class Builder {
        private Architecture architecture = Architecture.BASELINE;
        private String regularizer = "none";
        private double weight;
        private Map<String, String> regularizerParameters = Map.of();
        private SubsetSpec subset = SubsetSpec.perClass(200);
        private int minibatches = 10_000;
        private int batchSize = 50;
        private double learningRate = 0.001;
        private List<Double> decayAt = List.of(0.5, 0.75);
        private double decayFactor = 0.1;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private double weightDecay = 0.0005;
        private long seed = 1;
        private Precision precision = Precision.FLOAT32;
        private Initialization initialization = Initialization.GLOROT_UNIFORM;
        private boolean conv2Same;
        private BatchNormSettings batchNorm = BatchNormSettings.DEFAULT;

        public Builder architecture(Architecture v) { architecture = v; return this; }
        public Builder regularizer(String v) { regularizer = v; return this; }
        public Builder weight(double v) { weight = v; return this; }
        public Builder regularizerParameters(Map<String, String> v) { regularizerParameters = v; return this; }
        public Builder subset(SubsetSpec v) { subset = v; return this; }
        public Builder minibatches(int v) { minibatches = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder decayAt(List<Double> v) { decayAt = v; return this; }
        public Builder decayFactor(double v) { decayFactor = v; return this; }
        public Builder beta1(double v) { beta1 = v; return this; }
        public Builder beta2(double v) { beta2 = v; return this; }
        public Builder epsilon(double v) { epsilon = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder precision(Precision v) { precision = v; return this; }
        public Builder initialization(Initialization v) { initialization = v; return this; }
        public Builder conv2Same(boolean v) { conv2Same = v; return this; }
        public Builder batchNorm(BatchNormSettings v) { batchNorm = v; return this; }

        public TrainingConfig build() {
            return new TrainingConfig(architecture, regularizer, weight, regularizerParameters, subset, minibatches,
                    batchSize, learningRate, decayAt, decayFactor, beta1, beta2, epsilon, weightDecay, seed, precision,
                    initialization, conv2Same, batchNorm);
        }
    }
}
