package io.gradreg.model;

import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * How LeNet-5's parameters start. The paper does not say; both are drawn from the run's own random
 * stream, so a run's initial weights depend on its seed only.
 */
public enum Initialization {

    /** Weights Glorot-uniform, biases zero (DJL's and Keras's default; gradreg's default). */
    GLOROT_UNIFORM,

    /**
     * Weights from a normal distribution with standard deviation 0.1 truncated at two standard
     * deviations, biases 0.1: TensorFlow's MNIST tutorials, which the paper's code may have followed.
     */
    TRUNCATED_NORMAL;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    Initializer weights(SplittableRandom random) {
        return this == GLOROT_UNIFORM ? new GlorotUniform(random) : new TruncatedNormal(random, 0.1);
    }

    /** The bias initializer, or null for DJL's default (zeros). */
    Initializer biases() {
        return this == GLOROT_UNIFORM ? null : new ConstantInitializer(0.1f);
    }

    public static Initialization parse(String text) {
        for (Initialization i : values()) {
            if (i.id().equalsIgnoreCase(text.trim())) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown initialization '" + text + "'; expected one of "
                + Arrays.stream(values()).map(Initialization::id).collect(Collectors.joining(", ")));
    }
}
