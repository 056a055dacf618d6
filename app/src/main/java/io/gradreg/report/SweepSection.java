package io.gradreg.report;

import io.gradreg.store.Cell;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.gradreg.store.Validations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.StandardDeviation;

/**
 * A weight sweep's part of the report: per group (architecture, regularizer, size) its grid with
 * validation accuracy, the weight the declared rule selected, the test accuracy of the runs at the
 * selected weight and, for comparison, at the job's reference weight (the paper's). Test
 * accuracies of the other grid points are a post-hoc view, labelled so: they were read after the
 * selection was recorded and played no part in it.
 *
 * @param rule the selection rule as the job declared it
 * @param validationImages held-out images per run
 */
public record SweepSection(String rule, int validationImages, List<Group> groups) {

    /** The rule, in one sentence, as every format states it. */
    public static String ruleText(String rule, int validationImages) {
        String how = rule.equals("one-se")
                ? "the largest weight whose mean validation accuracy is within one standard error of the best mean (one-se)"
                : "the weight with the best mean validation accuracy (best-mean)";
        return "Each weight is selected as " + how + ", on " + String.format(java.util.Locale.ROOT, "%,d", validationImages)
                + " validation images per run drawn from MNIST's training images outside the run's training subset; "
                + "the selection is recorded before any test image is read, and the test accuracies of grid points "
                + "other than the selected one are shown post hoc only.";
    }

    /** Mean and sample standard deviation (percent) of {@code n} runs; sd is NaN for one run. */
    public record Stats(double mean, double sd, int n) {

        static Optional<Stats> of(List<Double> values) {
            if (values.isEmpty()) {
                return Optional.empty();
            }
            double[] v = values.stream().mapToDouble(d -> d).toArray();
            return Optional.of(new Stats(Mean.of(v).getAsDouble(),
                    v.length < 2 ? Double.NaN : StandardDeviation.of(v).getAsDouble(), v.length));
        }
    }

    /** One grid point: its weight (job convention), runs planned, validation and (post hoc) test statistics. */
    public record Point(double weight, int planned, Stats validation, Stats test, boolean selected, boolean reference) {
    }

    /**
     * One group's grid and outcome; {@code selection} is empty until recorded, {@code reference}
     * is the job's weight for this regularizer if it has one.
     */
    public record Group(Cell group, List<Point> grid, Optional<Validations.Selection> selection,
            Optional<Double> reference) {

        public Optional<Point> selected() {
            return grid.stream().filter(Point::selected).findFirst();
        }

        public Optional<Point> atReference() {
            return grid.stream().filter(Point::reference).findFirst();
        }
    }

    /**
     * The sweep's groups from the runs of its grid cells ({@link Cell#gridWeight()}), their
     * recorded validation accuracies and selections; {@code reference} by group (architecture/regularizer/size).
     */
    public static SweepSection of(String rule, int validationImages, List<RunRecord> runs,
            List<Validations.Validation> validations, List<Validations.Selection> selections,
            Map<String, Double> reference) {
        Map<String, Double> validation = validations.stream()
                .collect(Collectors.toMap(Validations.Validation::runKey, v -> 100 * v.accuracy(), (a, b) -> a));
        Map<String, Validations.Selection> selected = selections.stream()
                .collect(Collectors.toMap(Validations.Selection::group, Function.identity(), (a, b) -> a));
        Map<Cell, Map<Double, List<RunRecord>>> byGroup = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            Optional<Double> w = r.cell().gridWeight();
            if (w.isPresent()) {
                byGroup.computeIfAbsent(r.cell().group(), k -> new TreeMap<>()).computeIfAbsent(w.get(),
                        k -> new ArrayList<>()).add(r);
            }
        }
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<Cell, Map<Double, List<RunRecord>>> g : byGroup.entrySet()) {
            Optional<Validations.Selection> selection = Optional.ofNullable(selected.get(g.getKey().toString()));
            Optional<Double> ref = Optional.ofNullable(reference.get(g.getKey().toString()));
            List<Point> grid = new ArrayList<>();
            for (Map.Entry<Double, List<RunRecord>> p : g.getValue().entrySet()) {
                List<Double> val = new ArrayList<>();
                List<Double> test = new ArrayList<>();
                for (RunRecord r : p.getValue()) {
                    Optional.ofNullable(validation.get(r.runKey())).ifPresent(val::add);
                    if (selection.isPresent() && r.status() == RunStatus.EVALUATED && r.testAccuracy() != null) {
                        test.add(100 * r.testAccuracy());
                    }
                }
                double weight = p.getKey();
                grid.add(new Point(weight, p.getValue().size(), Stats.of(val).orElse(null), Stats.of(test).orElse(null),
                        selection.map(s -> s.weight() == weight).orElse(false),
                        ref.map(x -> x == weight).orElse(false)));
            }
            groups.add(new Group(g.getKey(), List.copyOf(grid), selection, ref));
        }
        return new SweepSection(rule, validationImages, List.copyOf(groups));
    }
}
