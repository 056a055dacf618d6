package io.gradreg.training;

import io.gradreg.spi.Regularizer;
import java.util.Objects;

/**
 * The regularizer a run trains with, ready to use (created by the caller from its name and
 * parameters, e.g. by the plugin registry), and the label that names it in messages, such as
 * {@code spectreg} or {@code gradl1 (plugin gradreg-gradl1-1.0.0.jar)}. Training depends on the
 * SPI only, not on where regularizers come from.
 */
public record Penalty(String label, Regularizer regularizer) {

    public Penalty {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(regularizer, "regularizer");
    }
}
