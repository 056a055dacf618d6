package io.gradreg.report;

import io.gradreg.robustness.Measure;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The robustness measures of a report's runs (job property {@code robustness}), by run key, and
 * their mean and standard deviation per cell over its evaluated runs. Accuracies under attack are in
 * percent like test accuracy; norms and seconds as measured.
 */
public final class MeasureTable {

    /** The report's definition of the accuracies under attack, as md/html state it. */
    public static final String DEFINITION = "Accuracy under attack counts an image as robust only when it is "
            + "classified correctly both clean and attacked; pgd@ε is the per-image worst case of FGSM and PGD "
            + "(10 steps of ε/4 from a random start in the ε-ball) at ε, so no robust accuracy exceeds the clean "
            + "one and pgd@ε never exceeds fgsm@ε. ε and σ are on the [0, 1] pixel scale; perturbed images are "
            + "clipped to [0, 1]. gradnorm: mean ‖∂loss/∂x‖₂ (each image's cross-entropy); jacobian: mean "
            + "Frobenius norm of the 10×784 Jacobian of the logits, exact; @noise at uniform-noise images, "
            + "@midpoint at midpoints of test images of different classes (norms on 1,000 test images and 1,000 "
            + "points of each kind; loss at the predicted class); robustness-seconds: wall time of a run's "
            + "robustness evaluation.";

    /** Mean and sample standard deviation (null with fewer than two values) over {@code n} runs. */
    public record Summary(Double mean, Double sd, int n) {
    }

    private final Map<String, Map<String, Double>> byRun;
    private final List<String> measures;

    public MeasureTable(Map<String, Map<String, Double>> byRun) {
        this.byRun = Map.copyOf(byRun);
        TreeSet<String> names = new TreeSet<>(Measure.ORDER);
        byRun.values().forEach(m -> m.keySet().forEach(name -> {
            try {
                Measure.parse(name);
                names.add(name);
            } catch (IllegalArgumentException e) {
                // a measure of a newer gradreg: not reported
            }
        }));
        this.measures = List.copyOf(names);
    }

    public static MeasureTable none() {
        return new MeasureTable(Map.of());
    }

    /** The measures any run has, in report order. */
    public List<String> measures() {
        return measures;
    }

    public boolean isEmpty() {
        return measures.isEmpty();
    }

    /** The measures of one run (empty if it has none). */
    public Map<String, Double> of(String runKey) {
        return byRun.getOrDefault(runKey, Map.of());
    }

    /** The value of {@code measure} of each evaluated run of {@code cell} that has it, by seed, in report units. */
    public Map<Long, Double> bySeed(Report.Cell cell, String measure) {
        Map<Long, Double> values = new TreeMap<>();
        for (RunRecord r : cell.runs()) {
            Double v = r.status() == RunStatus.EVALUATED ? of(r.runKey()).get(measure) : null;
            if (v != null && Double.isFinite(v)) {
                values.put(r.seed(), scale(measure) * v);
            }
        }
        return values;
    }

    /** Percent for accuracies, 1 otherwise. */
    static double scale(String measure) {
        return Measure.parse(measure).isAccuracy() ? 100 : 1;
    }

    public Summary summary(Report.Cell cell, String measure) {
        return summarize(new ArrayList<>(bySeed(cell, measure).values()));
    }

    /** Mean and sample standard deviation of {@code values} (as the report's cells compute them). */
    static Summary summarize(List<Double> values) {
        if (values.isEmpty()) {
            return new Summary(null, null, 0);
        }
        double mean = values.stream().mapToDouble(v -> v).average().orElseThrow();
        Double sd = null;
        if (values.size() > 1) {
            double ss = 0;
            for (double v : values) {
                ss += (v - mean) * (v - mean);
            }
            sd = Math.sqrt(ss / (values.size() - 1));
        }
        return new Summary(mean, sd, values.size());
    }

    /** "mean (sd)" with the precision the measure needs: 2 decimals for percent, 4 significant digits else. */
    public String text(Report.Cell cell, String measure) {
        Summary s = summary(cell, measure);
        if (s.mean() == null) {
            return "—";
        }
        return format(measure, s.mean()) + (s.sd() == null ? "" : " (" + format(measure, s.sd()) + ")");
    }

    static String format(String measure, double v) {
        return Measure.parse(measure).isAccuracy() ? String.format(Locale.ROOT, "%.2f", v)
                : String.format(Locale.ROOT, "%.4g", v);
    }

    /** The Markdown section: one row per cell, clean accuracy and every measure as mean (sd). */
    String markdown(Report report) {
        if (isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\n## Robustness\n\n").append("Mean (sd) over each cell's evaluated runs; ")
                .append("accuracies in percent on the 10,000 test images. ").append(DEFINITION).append("\n\n")
                .append("| architecture | train size | regularizer | n | clean |");
        measures.forEach(m -> md.append(' ').append(m).append(" |"));
        md.append("\n|---|---|---|---|---|");
        measures.forEach(m -> md.append("---|"));
        md.append('\n');
        for (Report.Cell c : report.cells()) {
            md.append("| ").append(c.architecture()).append(" | ").append(c.trainSize()).append(" | ")
                    .append(c.regularizer()).append(" | ").append(c.evaluated()).append(" | ")
                    .append(c.mean() == null ? "—" : String.format(Locale.ROOT, "%.2f", c.mean())
                            + (c.sd() == null ? "" : String.format(Locale.ROOT, " (%.2f)", c.sd())))
                    .append(" |");
            measures.forEach(m -> md.append(' ').append(text(c, m)).append(" |"));
            md.append('\n');
        }
        return md.toString();
    }

    /** Extra CSV header columns: {@code MEASURE_mean,MEASURE_sd} per measure (none without measures). */
    String csvHeader() {
        StringBuilder h = new StringBuilder();
        measures.forEach(m -> h.append(',').append(m).append("_mean,").append(m).append("_sd"));
        return h.toString();
    }

    /** The cell's CSV columns matching {@link #csvHeader()}. */
    String csvColumns(Report.Cell cell) {
        StringBuilder row = new StringBuilder();
        for (String m : measures) {
            Summary s = summary(cell, m);
            row.append(',').append(s.mean() == null ? "" : Double.toString(s.mean()))
                    .append(',').append(s.sd() == null ? "" : Double.toString(s.sd()));
        }
        return row.toString();
    }
}
