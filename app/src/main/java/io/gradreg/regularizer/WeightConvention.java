package io.gradreg.regularizer;

import io.gradreg.spi.RegularizerProvider;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The units a job's (or a {@code train} command's) regularizer weights are written in. Training
 * always uses gradreg's per-example-mean units; a weight in the paper's units is converted once,
 * when the plan is made, with the factor each regularizer declares
 * ({@link RegularizerProvider#paperPenaltyScale(int)}). Nothing here knows a regularizer's name.
 */
public enum WeightConvention {

    /** gradreg's units: weight x (1/B) sum_i P(x_i), the per-example mean of the penalty. */
    MEAN("mean", "gradreg's per-example mean: loss = mean CE + weight x mean_i P(x_i)"),

    /**
     * The paper's units (Varga et al. 2017; the replication report's Table 8): weights as published,
     * converted with each regularizer's declared scale (DoubleBack: 1/B; the others: 1).
     */
    PAPER("paper", "the paper's units, those of its published weights (Varga et al. 2017; the replication report's "
            + "Table 8); the values are the job's as run, overrides included");

    private final String id;
    private final String meaning;

    WeightConvention(String id, String meaning) {
        this.id = id;
        this.meaning = meaning;
    }

    public String id() {
        return id;
    }

    /** One line saying what the weights mean, for reports. */
    public String meaning() {
        return meaning;
    }

    /** The weight in gradreg's per-example-mean units of {@code weight} written in this convention. */
    public double toMean(RegularizerProvider regularizer, double weight, int batchSize) {
        if (this == MEAN || weight == 0) {
            return weight;
        }
        double scale = regularizer.paperPenaltyScale(batchSize);
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("regularizer '" + regularizer.name() + "' declares paper penalty scale "
                    + scale + " for batch size " + batchSize + "; it must be a positive number (fix the plugin's "
                    + "paperPenaltyScale, or write its weights with weight-convention=mean)");
        }
        return weight * scale;
    }

    /** {@code mean} or {@code paper}, case-insensitively. */
    public static WeightConvention parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (WeightConvention c : values()) {
            if (c.id.equals(t)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown weight convention '" + text + "'; use one of "
                + Arrays.stream(values()).map(WeightConvention::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
