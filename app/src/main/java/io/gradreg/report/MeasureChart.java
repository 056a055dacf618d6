package io.gradreg.report;

import static io.gradreg.report.SvgPlot.esc;
import static io.gradreg.report.SvgPlot.f;

import io.gradreg.robustness.Measure;
import java.util.ArrayList;
import java.util.List;

/**
 * The robustness section of report.html: the table of every cell's measures (mean (sd)) and a bar
 * chart of clean and attacked accuracy per cell, ±1 sd over its runs.
 */
final class MeasureChart {

    private MeasureChart() {
    }

    /** The section, or "" when the report has no measures. */
    static String html(Report report) {
        MeasureTable table = report.measures();
        if (table.isEmpty()) {
            return "";
        }
        StringBuilder h = new StringBuilder("<h2>Robustness</h2>\n<p>Mean (sd) over each cell's evaluated runs; ")
                .append("accuracies in percent on the 10,000 test images. ").append(esc(MeasureTable.DEFINITION))
                .append("</p>\n<table class=\"results\">\n<thead><tr><th>architecture</th><th>train size</th>")
                .append("<th>regularizer</th><th>n</th><th>clean</th>");
        table.measures().forEach(m -> h.append("<th>").append(esc(m)).append("</th>"));
        h.append("</tr></thead>\n<tbody>\n");
        for (Report.Cell c : report.cells()) {
            h.append("<tr><td>").append(esc(c.architecture())).append("</td><td>").append(esc(c.trainSize()))
                    .append("</td><td>").append(esc(c.regularizer())).append("</td><td>").append(c.evaluated())
                    .append("</td><td>").append(c.mean() == null ? "—" : MeasureTable.format("fgsm@0", c.mean())
                            + (c.sd() == null ? "" : " (" + MeasureTable.format("fgsm@0", c.sd()) + ")"))
                    .append("</td>");
            table.measures().forEach(m -> h.append("<td>").append(esc(table.text(c, m))).append("</td>"));
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n");
        String chart = chart(report);
        return chart == null ? h.toString() : h.append(chart).toString();
    }

    /** Grouped bars: one group per cell with runs, one bar for clean accuracy and one per accuracy measure. */
    private static String chart(Report report) {
        MeasureTable table = report.measures();
        List<String> series = new ArrayList<>(List.of("clean"));
        table.measures().stream().filter(m -> Measure.parse(m).isAccuracy()).forEach(series::add);
        List<Report.Cell> groups = report.cells().stream().filter(c -> c.mean() != null).toList();
        if (series.size() < 2 || groups.isEmpty()) {
            return null;
        }
        double bar = 18;
        double groupWidth = Math.max(series.size() * bar + 24, 150);
        double left = 70;
        double plotWidth = groups.size() * groupWidth;
        double width = left + plotWidth + 170;
        double height = 400;
        SvgPlot.Axis y = SvgPlot.Axis.linear(0, 100, "accuracy (%)");
        SvgPlot.Axis x = new SvgPlot.Axis(0, groups.size(), false, "cell", List.of());
        SvgPlot plot = new SvgPlot(left, 30, plotWidth, height - 100, x, y).axes(List.of()).beginData();
        for (int g = 0; g < groups.size(); g++) {
            Report.Cell c = groups.get(g);
            double gx = plot.px(g) + (groupWidth - series.size() * bar) / 2;
            plot.raw(f("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", gx + series.size() * bar / 2,
                    height - 54, esc(c.architecture() + "/" + c.regularizer() + " " + c.trainSize())));
            for (int s = 0; s < series.size(); s++) {
                String name = series.get(s);
                MeasureTable.Summary v = name.equals("clean") ? new MeasureTable.Summary(c.mean(), c.sd(), c.evaluated())
                        : table.summary(c, name);
                if (v.mean() == null) {
                    continue;
                }
                double bx = gx + s * bar;
                double top = plot.py(v.mean());
                double base = plot.py(0);
                plot.raw(f("<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                        + "<title>%s %s: %.2f %%</title></rect>", bx + 1, top, bar - 2, Math.max(0.5, base - top),
                        SvgPlot.color(s), esc(c.architecture() + "/" + c.regularizer() + "/" + c.trainSize()), esc(name),
                        v.mean()));
                if (v.sd() != null) {
                    double cx = bx + bar / 2;
                    double y1 = plot.py(Math.max(0, v.mean() - v.sd()));
                    double y2 = plot.py(Math.min(100, v.mean() + v.sd()));
                    plot.raw(f("<path d=\"M%.1f %.1fV%.1fM%.1f %.1fh6M%.1f %.1fh6\" stroke=\"#000\" stroke-width=\"1.2\" "
                            + "fill=\"none\"/>", cx, y1, y2, cx - 3, y1, cx - 3, y2));
                }
            }
        }
        plot.endData();
        List<String> colors = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            colors.add(SvgPlot.color(s));
        }
        String svg = SvgPlot.open(report.experiment() + ": clean and attacked accuracy by cell", width, height)
                + plot.svg() + SvgPlot.legend(left + plotWidth + 20, 44, series, colors)
                + f("<text x=\"%.1f\" y=\"%.1f\">error bars: ±1 sd over runs</text>%n", left + plotWidth + 20,
                        44.0 + 18 * series.size() + 10)
                + "</svg>\n";
        return "<figure class=\"chart\" data-chart=\"robustness\">\n" + svg + "<figcaption>"
                + esc("Clean accuracy and accuracy under each attack of every cell, mean with ±1 standard deviation "
                        + "over its runs; an image counts only if classified correctly both clean and attacked.")
                + "</figcaption>\n</figure>\n";
    }
}
