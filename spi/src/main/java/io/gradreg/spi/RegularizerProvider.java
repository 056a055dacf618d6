package io.gradreg.spi;

import java.util.List;

/**
 * Service provider for one regularizer, found through {@link java.util.ServiceLoader}: list the
 * implementing class in {@code META-INF/services/io.gradreg.spi.RegularizerProvider}.
 * Needs a public no-argument constructor and the annotation {@code @SpiVersion(SpiVersion.CURRENT)}.
 */
public interface RegularizerProvider {

    /**
     * Name used in job XML and on the command line, e.g. {@code spectreg}: a lower-case letter, then
     * lower-case letters, digits, {@code -} or {@code _}. Unique among all regularizers.
     */
    String name();

    /** One line saying what the penalty is. */
    String description();

    /** Parameters besides the weight; none by default. */
    default List<ParameterSpec> parameters() {
        return List.of();
    }

    /**
     * Creates the regularizer for one training run.
     *
     * @param parameters the values of {@link #parameters()}, validated and with defaults filled in
     */
    Regularizer create(RegularizerParameters parameters);
}
