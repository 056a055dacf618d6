package io.gradreg.report;

import static io.gradreg.report.SvgPlot.esc;
import static io.gradreg.report.SvgPlot.f;

import io.gradreg.store.RunRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A weight sweep that measured robustness: one chart per measure (and one of clean test accuracy)
 * against the weight, so that where robustness keeps rising after accuracy has peaked shows. The
 * weight is drawn as a multiple of the group's job weight (the paper's), which puts regularizers
 * whose weights differ by orders of magnitude on one axis; each group is a line with ±1 sd band,
 * and each unregularized cell of the same architecture and size a dashed horizontal line. Every
 * number is a test-image measurement, read after the selection was recorded (post hoc).
 */
final class SweepMeasureCharts {

    /** One group's line: its label, and per multiple of its job weight the cell drawn there. */
    private record Series(String label, Map<Double, Report.Cell> byMultiple) {
    }

    private SweepMeasureCharts() {
    }

    static String html(Report report) {
        if (report.sweep().isEmpty() || report.measures().isEmpty()) {
            return "";
        }
        List<Series> series = series(report);
        if (series.isEmpty()) {
            return "";
        }
        StringBuilder h = new StringBuilder("<h2>Robustness against the weight</h2>\n<p>")
                .append(esc("Each measure of the grid's runs against the weight, as a multiple of the job's weight for "
                        + "the regularizer (log scale): mean ± 1 sd over each weight's runs, on test images, read after "
                        + "the selection was recorded (post hoc). Dashed: the unregularized cell. "))
                .append(esc(MeasureTable.DEFINITION)).append("</p>\n");
        h.append(chart(report, series, null));
        for (String measure : report.measures().measures()) {
            if (!measure.equals("robustness-seconds")) {
                h.append(chart(report, series, measure));
            }
        }
        return h.toString();
    }

    /** The groups with a job weight, in report order. */
    private static List<Series> series(Report report) {
        Map<String, Double> reference = new LinkedHashMap<>();
        report.sweep().get().groups().forEach(g -> g.reference().filter(r -> r > 0)
                .ifPresent(r -> reference.put(g.group().toString(), r)));
        Map<String, Series> byGroup = new LinkedHashMap<>();
        for (Report.Cell c : report.cells()) {
            if (c.runs().isEmpty()) {
                continue;
            }
            io.gradreg.store.Cell cell = c.runs().get(0).cell();
            Optional<Double> weight = cell.gridWeight();
            Double ref = reference.get(cell.group().toString());
            if (weight.isEmpty() || ref == null || weight.get() <= 0) {
                continue;
            }
            byGroup.computeIfAbsent(cell.group().toString(), k -> new Series(k, new TreeMap<>()))
                    .byMultiple().put(weight.get() / ref, c);
        }
        return List.copyOf(byGroup.values());
    }

    /** One chart: {@code measure}, or clean test accuracy when null. */
    private static String chart(Report report, List<Series> series, String measure) {
        String title = measure == null ? "clean test accuracy (%)" : measure
                + (MeasureTable.scale(measure) == 100 ? " (%)" : "");
        TreeSet<Double> ticks = new TreeSet<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        List<Report.Cell> baselines = baselines(report, series);
        List<double[]> drawn = new ArrayList<>();
        for (Series s : series) {
            List<double[]> points = new ArrayList<>();
            for (Map.Entry<Double, Report.Cell> p : s.byMultiple().entrySet()) {
                MeasureTable.Summary v = value(report, p.getValue(), measure);
                if (v.mean() != null) {
                    double sd = v.sd() == null ? 0 : v.sd();
                    points.add(new double[] {p.getKey(), v.mean(), v.mean() - sd, v.mean() + sd});
                    ticks.add(p.getKey());
                    lo = Math.min(lo, v.mean() - sd);
                    hi = Math.max(hi, v.mean() + sd);
                }
            }
            drawn.add(points.stream().flatMapToDouble(java.util.Arrays::stream).toArray());
        }
        for (Report.Cell b : baselines) {
            MeasureTable.Summary v = value(report, b, measure);
            if (v.mean() != null) {
                lo = Math.min(lo, v.mean());
                hi = Math.max(hi, v.mean());
            }
        }
        if (ticks.isEmpty()) {
            return "";
        }
        double left = 70;
        double plotWidth = 480;
        double height = 340;
        SvgPlot.Axis x = SvgPlot.Axis.log(List.copyOf(ticks), "weight ÷ the job's weight (log scale)");
        SvgPlot.Axis y = SvgPlot.Axis.linear(lo, hi, title);
        SvgPlot plot = new SvgPlot(left, 30, plotWidth, height - 80, x, y).axes(null).beginData();
        List<String> labels = new ArrayList<>();
        List<String> colors = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            double[] flat = drawn.get(i);
            int n = flat.length / 4;
            if (n == 0) {
                continue;
            }
            double[] xs = new double[n];
            double[] mean = new double[n];
            double[] low = new double[n];
            double[] high = new double[n];
            for (int k = 0; k < n; k++) {
                xs[k] = flat[4 * k];
                mean[k] = flat[4 * k + 1];
                low[k] = flat[4 * k + 2];
                high[k] = flat[4 * k + 3];
            }
            String color = SvgPlot.color(i);
            plot.band(xs, low, high, color).line(xs, mean, color);
            for (int k = 0; k < n; k++) {
                plot.raw(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s at %s× its job weight: "
                        + "%s</title></circle>", plot.px(xs[k]), plot.py(mean[k]), color, esc(series.get(i).label()),
                        SvgPlot.number(xs[k]), SvgPlot.number(mean[k])));
            }
            labels.add(series.get(i).label());
            colors.add(color);
        }
        for (Report.Cell b : baselines) {
            MeasureTable.Summary v = value(report, b, measure);
            if (v.mean() != null) {
                plot.raw(f("<line class=\"reference\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
                        + "stroke-dasharray=\"5 4\"><title>%s: %s</title></line>", plot.px(x.min()), plot.py(v.mean()),
                        plot.px(x.max()), plot.py(v.mean()), esc(b.architecture() + "/" + b.regularizer() + " "
                                + b.trainSize()), SvgPlot.number(v.mean())));
            }
        }
        plot.endData();
        if (!baselines.isEmpty()) {
            labels.add("no regularizer (dashed)");
            colors.add("#555");
        }
        String name = measure == null ? "clean test accuracy" : measure;
        String svg = SvgPlot.open(name + " against the weight", left + plotWidth + 260, height) + plot.svg()
                + SvgPlot.legend(left + plotWidth + 20, 50, labels, colors) + "</svg>\n";
        return "<figure class=\"chart\" data-chart=\"sweep-measure\">\n" + svg + "<figcaption>" + esc(name
                + " of each grid weight (mean ± 1 sd over its runs, post hoc) against the weight as a multiple of the "
                + "job's weight for its regularizer.") + "</figcaption>\n</figure>\n";
    }

    /** The unregularized cells at the architectures and sizes of the series. */
    private static List<Report.Cell> baselines(Report report, List<Series> series) {
        List<Report.Cell> out = new ArrayList<>();
        for (Report.Cell c : report.cells()) {
            if (c.regularizer().equals("none") && series.stream().anyMatch(s -> s.byMultiple().values().stream()
                    .anyMatch(g -> g.architecture().equals(c.architecture()) && g.trainSize().equals(c.trainSize())))) {
                out.add(c);
            }
        }
        return out;
    }

    private static MeasureTable.Summary value(Report report, Report.Cell cell, String measure) {
        if (measure != null) {
            return report.measures().summary(cell, measure);
        }
        List<Double> accuracies = new ArrayList<>();
        for (RunRecord r : cell.runs()) {
            if (r.testAccuracy() != null && r.status() == io.gradreg.store.RunStatus.EVALUATED) {
                accuracies.add(100 * r.testAccuracy());
            }
        }
        return MeasureTable.summarize(accuracies);
    }
}
