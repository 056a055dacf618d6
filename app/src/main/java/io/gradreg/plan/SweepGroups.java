package io.gradreg.plan;

import io.gradreg.store.Cell;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The groups of a weight sweep's plan ({@link SweepSettings}): one per architecture, regularizer
 * and size, holding its grid's runs. A group is the unit of selection, and a sweep is sharded by
 * whole groups, so that a shard can select and then evaluate its groups on its own.
 */
public final class SweepGroups {

    private SweepGroups() {
    }

    /** The runs of each group, groups and runs in plan order; a cell without a grid weight is a group of its own. */
    public static Map<Cell, List<RunSpec>> of(List<RunSpec> runs) {
        Map<Cell, List<RunSpec>> groups = new LinkedHashMap<>();
        for (RunSpec run : runs) {
            groups.computeIfAbsent(run.id().cell().group(), k -> new ArrayList<>()).add(run);
        }
        return groups;
    }

    /** A shard's share of a sweep: the runs of the groups at positions {@code index}, {@code index + count}, … */
    public static List<RunSpec> share(List<RunSpec> runs, Shard shard) {
        List<RunSpec> share = new ArrayList<>();
        int i = 0;
        for (List<RunSpec> group : of(runs).values()) {
            if (shard.owns(i++)) {
                share.addAll(group);
            }
        }
        return share;
    }

    /**
     * The weight {@code rule} selects for a group of grid runs from their validation accuracies
     * (fractions, by run key); empty for a group without a grid, or while no weight has every run
     * validated. Weights are the job's (the grid as written).
     */
    public static Optional<WeightSelection.Selected> select(List<RunSpec> group, Map<String, Double> validation,
            WeightSelection.Rule rule) {
        Map<Double, List<RunSpec>> byWeight = new TreeMap<>();
        for (RunSpec run : group) {
            Optional<Double> w = run.id().cell().gridWeight();
            if (w.isEmpty()) {
                return Optional.empty();
            }
            byWeight.computeIfAbsent(w.get(), k -> new ArrayList<>()).add(run);
        }
        List<WeightSelection.Point> points = new ArrayList<>();
        for (Map.Entry<Double, List<RunSpec>> e : byWeight.entrySet()) {
            double[] accuracies = e.getValue().stream().map(r -> validation.get(r.key())).filter(a -> a != null)
                    .mapToDouble(a -> 100 * a).toArray();
            points.add(new WeightSelection.Point(e.getKey(), accuracies, e.getValue().size()));
        }
        return WeightSelection.select(points, rule);
    }

    /** Whether every run of the group has a validation accuracy or is finished without one (failed). */
    public static boolean complete(List<RunSpec> group, Map<String, Double> validation, java.util.Set<String> failed) {
        return group.stream().allMatch(r -> validation.containsKey(r.key()) || failed.contains(r.key()));
    }
}
