package io.gradreg.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A weight sweep, as stored with its plan: per regularizer a grid of weights (in the job's weight
 * convention), the declared selection rule, and how many held-out validation images each run is
 * scored on.
 *
 * <p>Each grid point is a table cell of its own, its regularizer labelled with the weight
 * ({@code dropout/spectreg@0.003/200/class}, {@link io.gradreg.store.Cell#gridLabel}); a <em>group</em> is the grid of one architecture,
 * regularizer and size ({@code dropout/spectreg/200/class}), and the selection chooses one
 * weight per group from the grid's validation accuracies. The reference regularizer
 * {@code none} is a group of one point. The job's own {@code weight.NAME} (e.g. the paper's) is
 * kept as the reference weight that the report marks.
 *
 * @param rule the selection rule ({@link WeightSelection.Rule#label()})
 * @param validationImages validation images per run, drawn outside the run's training subset
 * @param grids the grid of each swept regularizer, ascending
 * @param reference the job's weight of each swept regularizer (the published one), where it has one
 */
public record SweepSettings(String rule, int validationImages, Map<String, List<Double>> grids,
        Map<String, Double> reference) {

    /** Default number of validation images per run. */
    public static final int DEFAULT_VALIDATION_IMAGES = 10_000;

    public SweepSettings {
        WeightSelection.Rule.parse(rule);
        grids = new TreeMap<>(grids);
        reference = new TreeMap<>(reference);
    }

    @JsonIgnore
    public WeightSelection.Rule selectionRule() {
        return WeightSelection.Rule.parse(rule);
    }
}
