package io.gradreg.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.gradreg.data.SubsetSpec;
import io.gradreg.model.Architecture;
import io.gradreg.store.Cell;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A weight sweep, as stored with its plan: per regularizer a grid of weights (in the job's weight
 * convention), the declared selection rule, and how many held-out validation images each run is
 * scored on.
 *
 * <p>Each grid point is a table cell of its own, its regularizer labelled with the weight
 * ({@code dropout/spectreg=0.003/200/class}, {@link io.gradreg.store.Cell#gridLabel}); a <em>group</em> is the grid of one architecture,
 * regularizer and size ({@code dropout/spectreg/200/class}), and the selection chooses one
 * weight per group from the grid's validation accuracies. The reference regularizer
 * {@code none} is a group of one point. The job's own {@code weight.NAME} (e.g. the paper's) is
 * kept as the reference weight that the report marks.
 *
 * @param rule the selection rule ({@link WeightSelection.Rule#label()})
 * @param validationImages validation images per run, drawn outside the run's training subset
 * @param grids the grid of each swept regularizer, ascending
 * @param reference the job's own weight ({@code weight.NAME}, e.g. the published one) of each group
 *     (architecture/regularizer/size) that has one, in the job's convention
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

    /** The grid of a swept regularizer; empty for {@code none} (the reference, trained once per seed). */
    public List<Double> grid(String regularizer) {
        return grids.getOrDefault(regularizer, List.of());
    }

    /** Job properties of a sweep. */
    static final String GRID = "sweep.weight.";
    static final String RUNS = "sweep.runs.";
    static final String SELECT = "select";
    static final String VALIDATION_IMAGES = "validation-images";

    /**
     * The sweep a job declares with {@code sweep.weight.NAME} grids, or null when it declares none
     * (then {@code select}, {@code validation-images} and {@code sweep.runs.*} are refused: they
     * would do nothing). Every regularizer of the job but {@code none} needs a grid.
     *
     * @param runsPerRegularizer filled with {@code sweep.runs.NAME} (seeds of that regularizer's grid)
     */
    static SweepSettings parse(JobProperties r, Map<String, String> p, List<String> names,
            List<Architecture> architectures, List<SubsetSpec> sizes, int runs, Map<String, Integer> runsPerRegularizer) {
        List<String> gridKeys = p.keySet().stream().filter(k -> k.startsWith(GRID)).sorted().toList();
        if (gridKeys.isEmpty()) {
            p.keySet().stream().filter(k -> k.equals(SELECT) || k.equals(VALIDATION_IMAGES) || k.startsWith(RUNS))
                    .sorted().findFirst().ifPresent(k -> {
                        throw new IllegalArgumentException("job property '" + k + "' belongs to a weight sweep, and this "
                                + "job declares no grid: add 'sweep.weight.NAME' (weights to try) or remove '" + k + "'");
                    });
            return null;
        }
        Map<String, List<Double>> grids = new TreeMap<>();
        for (String key : gridKeys) {
            String name = key.substring(GRID.length());
            if (!names.contains(name) || name.equals("none")) {
                throw new IllegalArgumentException("job property '" + key + "' is the grid of no regularizer of this job"
                        + " (regularizers: " + String.join(" ", names) + "); add '" + name + "' to 'regularizers' or "
                        + "correct the name");
            }
            List<Double> grid = r.list(key, "", t -> {
                double w = r.weightValue(key, t);
                if (w <= 0) {
                    throw new IllegalArgumentException("job property '" + key + "': grid weight " + t + " must be "
                            + "positive (the reference without a regularizer is 'none')");
                }
                return w;
            }).stream().sorted().toList();
            if (grid.isEmpty() || grid.stream().distinct().count() != grid.size()) {
                throw new IllegalArgumentException("job property '" + key + "' must list distinct weights, was '"
                        + p.get(key) + "'");
            }
            grids.put(name, grid);
        }
        for (String name : names) {
            if (!name.equals("none") && !grids.containsKey(name)) {
                throw new IllegalArgumentException("job property '" + GRID + name + "' is missing: in a weight sweep "
                        + "every regularizer but none has a grid of weights to try");
            }
        }
        for (String key : p.keySet().stream().filter(k -> k.startsWith(RUNS)).sorted().toList()) {
            String name = key.substring(RUNS.length());
            if (!grids.containsKey(name)) {
                throw new IllegalArgumentException("job property '" + key + "' names no swept regularizer (swept: "
                        + String.join(" ", grids.keySet()) + ")");
            }
            runsPerRegularizer.put(name, r.positiveInt(key, Integer.toString(runs), runs));
        }
        Map<String, Double> reference = new TreeMap<>();
        for (Architecture architecture : architectures) {
            for (SubsetSpec size : sizes) {
                for (String name : grids.keySet()) {
                    try {
                        reference.put(new Cell(architecture.id(), name, size.toString()).toString(),
                                r.weight(architecture, name, size));
                    } catch (IllegalArgumentException e) {
                        // no weight.NAME for this size: the group has no reference weight
                    }
                }
            }
        }
        String rule = r.string(SELECT, WeightSelection.Rule.BEST_MEAN.label());
        try {
            WeightSelection.Rule.parse(rule);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("job property '" + SELECT + "': " + e.getMessage());
        }
        int images = r.positiveInt(VALIDATION_IMAGES, Integer.toString(DEFAULT_VALIDATION_IMAGES),
                io.gradreg.data.Mnist.TRAIN_IMAGES);
        return new SweepSettings(rule, images, grids, reference);
    }
}
