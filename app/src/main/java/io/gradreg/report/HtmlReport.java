package io.gradreg.report;

import static io.gradreg.report.SvgPlot.esc;
import static io.gradreg.report.SvgPlot.f;

import io.gradreg.store.RunRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A report as one self-contained HTML file: the table of report.md, a chart of it, the training
 * curves of every cell, failed and missing runs, and where it comes from. Styles are inline, charts
 * are inline SVG, there is no script, and a Content-Security-Policy of {@code default-src 'none'}
 * forbids every fetch, so the file reads the same from a disk, a web server or an e-mail. Every
 * string from the store or the job (names, messages) is escaped.
 */
final class HtmlReport {

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
            table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:.3em .6em;text-align:left}
            th{background:#f2f2f2}figure{margin:1.5em 0}figcaption{font-size:.9em;color:#444;max-width:60em}
            .curves{display:flex;flex-wrap:wrap;gap:0 1.5em}footer{margin-top:3em;font-size:.85em;color:#555;
            border-top:1px solid #ccc;padding-top:.5em}code{font-size:.95em}
            caption{caption-side:top;text-align:left;font-size:.9em;color:#444;padding-bottom:.3em}""";

    private HtmlReport() {
    }

    static String render(Report report) {
        StringBuilder h = new StringBuilder(1 << 16);
        String title = ReportWriter.title(report);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>gradreg report: ").append(esc(title)).append("</title>\n<style>").append(STYLE)
                .append("</style>\n</head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n");
        h.append("<p>Test accuracy in percent on the 10,000 MNIST test images: mean (standard deviation) over runs; the ")
                .append("paper's number and the difference where published.</p>\n");
        table(report, h);
        h.append(WeightsTable.html(report));
        if (report.batchNorm() != null) {
            h.append("<p>Batch normalization (batchnorm runs): ").append(esc(report.batchNorm())).append(".</p>\n");
        }
        String chart = accuracyChart(report);
        if (chart != null) {
            h.append("<h2>Test accuracy</h2>\n").append(chart);
        }
        h.append(MeasureChart.html(report));
        report.sweep().ifPresent(sweep -> h.append(SweepWriter.html(sweep)));
        h.append(SweepMeasureCharts.html(report));
        claims(report, h);
        curves(report, h);
        runsNotEvaluated(report, h);
        footer(report, h);
        return h.append("</body>\n</html>\n").toString();
    }

    private static void table(Report report, StringBuilder h) {
        h.append("<table class=\"results\">\n<thead><tr><th>architecture</th><th>train size</th>");
        report.columns().forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
        h.append("</tr></thead>\n<tbody>\n");
        for (Report.Row row : report.rows()) {
            h.append("<tr><td>").append(esc(row.architecture())).append("</td><td>").append(esc(row.trainSize()))
                    .append("</td>");
            for (String c : report.columns()) {
                h.append("<td>").append(esc(report.cell(row, c).map(ReportWriter::cellText).orElse(""))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    /** Accuracy against training size for experiments run at several sizes (C4), else bars per cell (C2, C6). */
    static String accuracyChart(Report report) {
        if (report.cells().stream().noneMatch(c -> c.mean() != null)) {
            return null;
        }
        Map<String, TreeMap<Integer, Report.Cell>> lines = sizeLines(report);
        return lines.values().stream().anyMatch(l -> l.size() >= 2) ? sizeChart(report, lines) : barChart(report);
    }

    /** Cells with a mean and a size given in total, by series (architecture if several, and regularizer). */
    private static Map<String, TreeMap<Integer, Report.Cell>> sizeLines(Report report) {
        boolean architectures = report.rows().stream().map(Report.Row::architecture).distinct().count() > 1;
        Map<String, TreeMap<Integer, Report.Cell>> lines = new LinkedHashMap<>();
        for (Report.Cell c : report.cells()) {
            if (c.mean() == null || !c.trainSize().matches("\\d{1,9}")) {
                continue;
            }
            String name = (architectures ? c.architecture() + " " : "") + c.regularizer();
            lines.computeIfAbsent(name, k -> new TreeMap<>()).put(Integer.parseInt(c.trainSize()), c);
        }
        return lines;
    }

    /**
     * One dot per cell (its mean) with a ±1 sd interval, grouped by architecture and size: a dot
     * plot, not bars, since an accuracy axis that does not start at 0 would make bar lengths lie.
     */
    private static String barChart(Report report) {
        List<Report.Row> groups = report.rows();
        List<String> series = report.columns();
        boolean paper = report.cells().stream().anyMatch(c -> c.mean() != null && c.paper() != null);
        boolean observed = report.cells().stream().anyMatch(c -> c.mean() != null && c.observed() != null);
        SvgPlot.Axis y = accuracyAxis(report.cells());
        double slot = 26;
        // wide enough for its label ("batchnorm 200/class"), dots centred
        double groupWidth = Math.max(series.size() * slot + 28, 136);
        double left = 70;
        double plotWidth = Math.max(160, groups.size() * groupWidth);
        double width = left + plotWidth + 210;
        double height = 400;
        SvgPlot.Axis x = new SvgPlot.Axis(0, groups.size(), false, "architecture and training-set size", List.of());
        SvgPlot plot = new SvgPlot(left, 30, plotWidth, height - 100, x, y).axes(List.of()).beginData();
        for (int g = 0; g < groups.size(); g++) {
            Report.Row row = groups.get(g);
            double gx = plot.px(g) + (plotWidth / groups.size() - series.size() * slot) / 2;
            plot.raw(f("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", gx + series.size() * slot / 2,
                    height - 54, esc(row.architecture() + " " + row.trainSize())));
            for (int s = 0; s < series.size(); s++) {
                var cell = report.cell(row, series.get(s));
                if (cell.isEmpty() || cell.get().mean() == null) {
                    continue;
                }
                Report.Cell c = cell.get();
                double cx = gx + s * slot + slot / 2;
                if (c.sd() != null) {
                    double y1 = plot.py(Math.max(y.min(), c.mean() - c.sd()));
                    double y2 = plot.py(Math.min(y.max(), c.mean() + c.sd()));
                    plot.raw(f("<path class=\"interval\" d=\"M%.1f %.1fV%.1fM%.1f %.1fh8M%.1f %.1fh8\" stroke=\"%s\" "
                            + "stroke-width=\"1.6\" fill=\"none\"/>", cx, y1, y2, cx - 4, y1, cx - 4, y2, SvgPlot.color(s)));
                }
                plot.raw(f("<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"><title>%s: %s</title></circle>",
                        cx, plot.py(c.mean()), SvgPlot.color(s),
                        esc(c.architecture() + "/" + c.regularizer() + "/" + c.trainSize()), esc(ReportWriter.cellText(c))));
                if (c.paper() != null) {
                    plot.raw(SvgPlot.diamond(cx, plot.py(c.paper().accuracy()), "#000"));
                }
                if (c.observed() != null) {
                    plot.raw(SvgPlot.square(cx, plot.py(c.observed().accuracy()), "#000"));
                }
            }
        }
        plot.endData();
        List<String> labels = new ArrayList<>(series);
        List<String> colors = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            colors.add(SvgPlot.color(s));
        }
        String svg = SvgPlot.open(report.experiment() + ": test accuracy by cell", width, height) + plot.svg()
                + legend(left + plotWidth + 20, labels, colors, paper, observed, "lines: ±1 sd over runs") + "</svg>\n";
        return figure("accuracy", svg, "Mean test accuracy of each cell (dot) with ±1 standard deviation over its "
                + "runs (line)" + (paper ? "; diamonds mark the paper's value" : "")
                + (observed ? "; squares the replication report's" : "") + ". The axis spans the values shown (from "
                + SvgPlot.number(y.min()) + " %), so distances, not heights, compare cells.");
    }

    private static String sizeChart(Report report, Map<String, TreeMap<Integer, Report.Cell>> lines) {
        TreeSet<Integer> sizes = new TreeSet<>();
        lines.values().forEach(l -> sizes.addAll(l.keySet()));
        List<Report.Cell> drawn = lines.values().stream().flatMap(l -> l.values().stream()).toList();
        boolean paper = drawn.stream().anyMatch(c -> c.paper() != null);
        SvgPlot.Axis y = accuracyAxis(drawn);
        double left = 70;
        double plotWidth = 560;
        double width = left + plotWidth + 200;
        double height = 420;
        SvgPlot.Axis x = SvgPlot.Axis.log(sizes.stream().map(Integer::doubleValue).toList(),
                "training images (log scale)");
        SvgPlot plot = new SvgPlot(left, 30, plotWidth, height - 80, x, y).axes(null).beginData();
        int i = 0;
        List<String> colors = new ArrayList<>();
        for (TreeMap<Integer, Report.Cell> l : lines.values()) {
            String color = SvgPlot.color(i++);
            colors.add(color);
            double[] xs = l.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
            double[] mean = l.values().stream().mapToDouble(Report.Cell::mean).toArray();
            double[] low = l.values().stream().mapToDouble(c -> c.sd() == null ? Double.NaN : c.mean() - c.sd()).toArray();
            double[] high = l.values().stream().mapToDouble(c -> c.sd() == null ? Double.NaN : c.mean() + c.sd()).toArray();
            plot.band(xs, low, high, color).line(xs, mean, color);
            for (Report.Cell c : l.values()) {
                double cx = plot.px(Integer.parseInt(c.trainSize()));
                plot.raw(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: %s</title></circle>", cx,
                        plot.py(c.mean()), color, esc(c.architecture() + "/" + c.regularizer() + "/" + c.trainSize()),
                        esc(ReportWriter.cellText(c))));
                if (c.paper() != null) {
                    plot.raw(SvgPlot.diamond(cx, plot.py(c.paper().accuracy()), color));
                }
                if (c.observed() != null) {
                    plot.raw(SvgPlot.square(cx, plot.py(c.observed().accuracy()), color));
                }
            }
        }
        plot.endData();
        boolean observed = drawn.stream().anyMatch(c -> c.observed() != null);
        String svg = SvgPlot.open(report.experiment() + ": test accuracy against training-set size", width, height)
                + plot.svg() + legend(left + plotWidth + 20, new ArrayList<>(lines.keySet()), colors, paper, observed,
                        "bands: ±1 sd over runs") + "</svg>\n";
        return figure("accuracy", svg, "Mean test accuracy against the number of training images (log "
                + "scale), one line per regularizer with a band of ±1 standard deviation over runs"
                + (paper ? "; diamonds in the line's colour mark the paper's values" : "; the paper gives no numbers "
                        + "for these cells (C4 is a figure in the paper)")
                + (observed ? "; squares the replication report's" : "") + ".");
    }

    /** The accuracy chart's legend at x: series, the paper's mark if drawn, and what the spread shows. */
    private static String legend(double x, List<String> labels, List<String> colors, boolean paper, boolean observed,
            String spread) {
        StringBuilder s = new StringBuilder(SvgPlot.legend(x, 44, labels, colors));
        double y = 44 + 18 * labels.size() + 10;
        if (paper) {
            s.append(SvgPlot.diamond(x + 6, y - 4, "#000")).append(f("<text x=\"%.1f\" y=\"%.1f\">the paper's value</text>%n",
                    x + 18, y));
            y += 18;
        }
        if (observed) {
            s.append(SvgPlot.square(x + 6, y - 4, "#000")).append(f("<text x=\"%.1f\" y=\"%.1f\">replication report</text>%n",
                    x + 18, y));
            y += 18;
        }
        return s.append(f("<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", x, y, esc(spread))).toString();
    }

    /** The accuracy axis of the cells with a mean: their mean ± sd, the paper's and the replication's values, half a point beyond. */
    private static SvgPlot.Axis accuracyAxis(List<Report.Cell> cells) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Report.Cell c : cells) {
            if (c.mean() == null) {
                continue;
            }
            double sd = c.sd() == null ? 0 : c.sd();
            lo = Math.min(lo, c.mean() - sd);
            hi = Math.max(hi, c.mean() + sd);
            for (ExpectedResults.Expected reference : new ExpectedResults.Expected[] {c.paper(), c.observed()}) {
                if (reference != null) {
                    lo = Math.min(lo, reference.accuracy());
                    hi = Math.max(hi, reference.accuracy());
                }
            }
        }
        return SvgPlot.Axis.linear(Math.max(0, lo - 0.5), Math.min(100, hi + 0.5), "test accuracy (%)");
    }

    /** One panel pair per cell: mean ± sd of the training loss and of the raw penalty over minibatches. */
    private static void curves(Report report, StringBuilder h) {
        h.append("<h2>Training curves</h2>\n");
        if (!report.hasCurves()) {
            h.append("<p class=\"no-curves\">The runs of this report recorded no training curves: they were trained ")
                    .append("by a gradreg that did not record them yet, or imported from a runs file without them. ")
                    .append("Runs trained now record loss, penalty and learning rate every <code>curve-every</code> ")
                    .append("minibatches.</p>\n");
            return;
        }
        h.append("<p>Training loss and raw (unweighted) penalty of each training-set size's regularizers on shared ")
                .append("axes: mean over each cell's evaluated runs (the loss with a band of ±1 standard deviation), every ")
                .append("recorded minibatch.</p>\n<div class=\"curves\">\n").append(CurveCharts.html(report));
        h.append("</div>\n");
        List<String> without = report.cells().stream().filter(c -> report.curve(c).isEmpty())
                .map(c -> c.architecture() + "/" + c.regularizer() + "/" + c.trainSize()).toList();
        if (!without.isEmpty()) {
            h.append("<p>No curve (no evaluated run recorded one): ").append(esc(String.join(", ", without)))
                    .append(".</p>\n");
        }
    }

    private static void claims(Report report, StringBuilder h) {
        List<Claims.Result> results = report.claims();
        if (results.isEmpty()) {
            return;
        }
        h.append("<h2>Claims</h2>\n<p>Each of the paper's claims, tested on these runs (report.md gives every ")
                .append("comparison with its raw and adjusted p). ").append(esc(Claims.RULE)).append("</p>\n<ul>\n");
        for (Claims.Result r : results) {
            long shown = r.checks().stream().filter(c -> c.verdict() == Claims.Verdict.SUPPORTED).count();
            long against = r.checks().stream().filter(c -> c.verdict() == Claims.Verdict.CONTRADICTED).count();
            h.append("<li><strong>").append(esc(r.text())).append("</strong>: ").append(esc(Claims.label(r.verdict())))
                    .append(" (").append(r.checks().size()).append(" comparisons: ").append(shown)
                    .append(" shown as claimed, ").append(against).append(" shown against)</li>\n");
        }
        h.append("</ul>\n");
    }

    private static void runsNotEvaluated(Report report, StringBuilder h) {
        h.append("<h2>Failed runs</h2>\n");
        if (report.failed().isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<ul class=\"failed\">\n");
            for (RunRecord r : report.failed()) {
                h.append("<li><code>").append(esc(r.runKey())).append("</code> (seed ").append(r.seed()).append("): ")
                        .append(esc(r.message())).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        h.append("<h2>Missing runs (not finished)</h2>\n");
        List<String> missing = ReportWriter.missingLines(report);
        if (missing.isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<ul class=\"missing\">\n");
            missing.forEach(line -> h.append("<li>").append(esc(line)).append("</li>\n"));
            h.append("</ul>\n");
        }
    }

    private static void footer(Report report, StringBuilder h) {
        Provenance p = report.provenance();
        h.append("<footer>\n<p>");
        if (p == null) {
            h.append("Provenance unknown.");
        } else {
            h.append("Written by gradreg ").append(esc(p.writtenBy())).append(" on ").append(date(p.writtenAt()))
                    .append(". Job <code>").append(esc(orUnknown(p.jobName()))).append("</code> (file <code>")
                    .append(esc(orUnknown(p.jobFile()))).append("</code>, SHA-256 of its XML <code>")
                    .append(esc(orUnknown(p.jobSha256()))).append("</code>), started ").append(date(p.jobStartedAt()))
                    .append(". Database: ").append(esc(p.database())).append('.');
        }
        List<String> builds = report.runs().stream().map(RunRecord::trainedBy).filter(b -> b != null && !b.isBlank())
                .distinct().sorted().toList();
        if (!builds.isEmpty()) {
            h.append(" Runs trained by gradreg ").append(esc(String.join("; ", builds))).append('.');
        }
        h.append("</p>\n</footer>\n");
    }

    private static String date(Instant instant) {
        return instant == null ? "(unknown)" : esc(instant.toString());
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }

    private static String figure(String kind, String svg, String caption) {
        return "<figure class=\"chart\" data-chart=\"" + kind + "\">\n" + svg + "<figcaption>" + esc(caption)
                + "</figcaption>\n</figure>\n";
    }
}
