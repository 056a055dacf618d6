package io.gradreg.report;

import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A report's evaluated accuracies as the claims address them: cells named
 * {@code ARCHITECTURE/REGULARIZER@SIZE}, each a map from seed to test accuracy in percent.
 */
final class Cells {

    final List<String> sizes;
    private final Report report;
    /** The measure compared (io.gradreg.robustness.Measure), or null: test accuracy. */
    private final String measure;

    Cells(Report report) {
        this(report, null);
    }

    Cells(Report report, String measure) {
        this.report = report;
        this.measure = measure;
        this.sizes = report.rows().stream().map(Report.Row::trainSize).distinct().toList();
    }

    /** "arch/reg[@size]" with '*' replaced by {@code size}; without a size, the report's only size ('?' if several). */
    String resolve(String cell, String size) {
        int at = cell.indexOf('@');
        String base = at < 0 ? cell : cell.substring(0, at);
        String s = at < 0 ? (sizes.size() == 1 ? sizes.get(0) : "?") : cell.substring(at + 1);
        return base + "@" + (s.equals("*") ? size : s);
    }

    /**
     * The right-hand cells of a comparison with {@code left}: the one named, or for {@code *} every
     * other cell of left's size (for {@code ARCH/*}, every other cell of that architecture), in the
     * report's order.
     */
    List<String> rivals(String left, String right, String size) {
        if (!right.equals("*") && !right.endsWith("/*")) {
            return List.of(resolve(right, size));
        }
        String architecture = right.equals("*") ? null : right.substring(0, right.length() - 2);
        String leftSize = size(left);
        List<String> rivals = new ArrayList<>();
        for (Report.Cell c : report.cells()) {
            String name = c.architecture() + "/" + c.regularizer() + "@" + c.trainSize();
            if (c.trainSize().equals(leftSize) && !name.equals(left)
                    && (architecture == null || architecture.equals(c.architecture()))) {
                rivals.add(name);
            }
        }
        return rivals;
    }

    /**
     * Test accuracy in percent of each evaluated run of the cell "arch/reg@size", by seed; with a
     * measure, the measure's value ({@link MeasureTable#bySeed}).
     */
    Map<Long, Double> accuracies(String cell) {
        int slash = cell.indexOf('/');
        int at = cell.lastIndexOf('@');
        Map<Long, Double> bySeed = new TreeMap<>();
        String architecture = cell.substring(0, slash);
        String size = cell.substring(at + 1);
        var found = report.cell(new Report.Row(architecture, size), selected(architecture, cell.substring(slash + 1, at),
                size));
        if (measure != null) {
            return found.map(c -> report.measures().bySeed(c, measure)).orElse(bySeed);
        }
        found.ifPresent(c -> {
                    for (RunRecord r : c.runs()) {
                        if (r.status() == RunStatus.EVALUATED && r.testAccuracy() != null
                                && Double.isFinite(r.testAccuracy())) {
                            bySeed.put(r.seed(), 100 * r.testAccuracy());
                        }
                    }
                });
        return bySeed;
    }

    /**
     * A weight sweep's {@code REG=selected} as the grid cell of the weight the sweep selected for
     * that architecture and size ({@code spectreg=0.01}); any other regularizer as it is. A group
     * without a recorded selection has no such cell, so its claims have no data.
     */
    private String selected(String architecture, String regularizer, String size) {
        if (!regularizer.endsWith(io.gradreg.store.Cell.GRID + SELECTED)) {
            return regularizer;
        }
        String name = regularizer.substring(0, regularizer.length() - SELECTED.length() - 1);
        return report.sweep().flatMap(sweep -> sweep.groups().stream()
                .filter(g -> g.group().equals(new io.gradreg.store.Cell(architecture, name, size))).findFirst())
                .flatMap(SweepSection.Group::selection)
                .map(sel -> io.gradreg.store.Cell.gridLabel(name, sel.weight())).orElse(regularizer);
    }

    /** In a claim, the cell of a sweep's selected weight: {@code dropout/spectreg=selected}. */
    static final String SELECTED = "selected";

    /** The paired differences of the two cells' regularizers at every size, their variance pooled. */
    Evidence.Pooled pool(String left, String right) {
        List<double[]> bySize = new ArrayList<>();
        for (String size : sizes) {
            Map<Long, Double> a = accuracies(base(left) + "@" + size);
            Map<Long, Double> b = accuracies(base(right) + "@" + size);
            bySize.add(a.keySet().stream().filter(b::containsKey).mapToDouble(s -> a.get(s) - b.get(s)).toArray());
        }
        return Evidence.Pooled.of(bySize);
    }

    static String base(String cell) {
        int at = cell.lastIndexOf('@');
        return at < 0 ? cell : cell.substring(0, at);
    }

    static String size(String cell) {
        int at = cell.lastIndexOf('@');
        return at < 0 ? "" : cell.substring(at + 1);
    }

    /** Training examples of a size as written in a report: "5000", or "200/class" (ten classes). */
    static double examples(String size) {
        return size.endsWith("/class") ? 10 * Double.parseDouble(size.substring(0, size.indexOf('/')))
                : Double.parseDouble(size);
    }
}
