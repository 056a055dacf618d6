package io.gradreg.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The three LeNet-5 variants of the paper. */
public enum Architecture {
    /** No dropout, no batch normalization. */
    BASELINE,
    /** Dropout (rate 0.5) after the last hidden dense layer. */
    DROPOUT,
    /**
     * Batch normalization as {@link BatchNormSettings} say: by default after each convolution and
     * each hidden dense layer, before ReLU.
     */
    BATCHNORM;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Architecture parse(String text) {
        for (Architecture a : values()) {
            if (a.id().equalsIgnoreCase(text.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + text + "'; expected one of "
                + Arrays.stream(values()).map(Architecture::id).collect(Collectors.joining(", ")));
    }
}
