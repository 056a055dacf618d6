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
     * How the paper's formulation of this penalty (Varga, Csiszárik and Zombori, 2017, whose
     * weights the replication report's Table 8 publishes) relates to this provider's penalty:
     * <pre>
     *   paper's penalty = paperPenaltyScale(B) * this provider's per-example-mean penalty
     * </pre>
     * so that a weight {@code w} published in the paper's convention trains exactly like the weight
     * {@code w * paperPenaltyScale(B)} in gradreg's per-example-mean convention. A job chooses its
     * convention with the job property {@code weight-convention} ({@code mean} or {@code paper}).
     *
     * <p>1 (the default) means the two formulations coincide, as they do for a penalty averaged
     * over the minibatch's examples. DoubleBack returns {@code 1/B}: the paper penalizes the
     * squared norm of the gradient of the batch's <em>mean</em> loss, summed over the batch,
     * which is 1/B of the per-example mean. A plugin that has no published counterpart keeps the
     * default. Since SPI 1.3.
     *
     * @param batchSize examples per minibatch, B
     */
    default double paperPenaltyScale(int batchSize) {
        return 1;
    }

    /**
     * Creates the regularizer for one training run.
     *
     * @param parameters the values of {@link #parameters()}, validated and with defaults filled in
     */
    Regularizer create(RegularizerParameters parameters);
}
