package io.gradreg.report;

import static io.gradreg.report.SvgPlot.esc;
import static io.gradreg.report.SvgPlot.f;

import java.util.ArrayList;
import java.util.List;

/**
 * report.html's training curves: one chart per architecture and size, in which that row's
 * regularizers are overlaid on shared axes (training loss, linear; raw penalty, logarithmic, since
 * the penalties of different regularizers are orders of magnitude apart), each a line with a band
 * of ±1 sd over its evaluated runs, in the colour of its column, with a legend.
 */
final class CurveCharts {

    private CurveCharts() {
    }

    /** The charts, one per row of the table with at least one cell's curve. */
    static String html(Report report) {
        StringBuilder h = new StringBuilder();
        List<String> columns = report.columns();
        for (Report.Row row : report.rows()) {
            List<Report.Cell> cells = new ArrayList<>();
            List<TrainingCurve> curves = new ArrayList<>();
            for (String column : columns) {
                report.cell(row, column).ifPresent(c -> report.curve(c).ifPresent(curve -> {
                    cells.add(c);
                    curves.add(curve);
                }));
            }
            if (!cells.isEmpty()) {
                h.append(chart(row, cells, curves, columns));
            }
        }
        return h.toString();
    }

    private static String chart(Report.Row row, List<Report.Cell> cells, List<TrainingCurve> curves,
            List<String> columns) {
        String name = row.architecture() + " " + row.trainSize();
        double panel = 340;
        double left = 70;
        double gap = 90;
        double width = left + panel + gap + panel + 190;
        double height = 280;
        double last = 0;
        double lossLo = Double.POSITIVE_INFINITY;
        double lossHi = Double.NEGATIVE_INFINITY;
        double penaltyLo = Double.POSITIVE_INFINITY;
        double penaltyHi = Double.NEGATIVE_INFINITY;
        for (TrainingCurve c : curves) {
            last = Math.max(last, c.minibatch()[c.size() - 1]);
            for (int i = 0; i < c.size(); i++) {
                double sd = Double.isFinite(c.lossSd()[i]) ? c.lossSd()[i] : 0;
                lossLo = Math.min(lossLo, c.lossMean()[i] - sd);
                lossHi = Math.max(lossHi, c.lossMean()[i] + sd);
                if (c.penaltyMean()[i] > 0) {
                    penaltyLo = Math.min(penaltyLo, c.penaltyMean()[i]);
                    penaltyHi = Math.max(penaltyHi, c.penaltyMean()[i]);
                }
            }
        }
        SvgPlot.Axis x = SvgPlot.Axis.linear(0, last, "minibatch");
        SvgPlot loss = new SvgPlot(left, 30, panel, height - 80, x,
                SvgPlot.Axis.linear(Math.max(0, lossLo), lossHi, "training loss (cross-entropy, nats)")).axes(null)
                .beginData();
        boolean anyPenalty = penaltyHi > 0;
        SvgPlot penalty = anyPenalty ? new SvgPlot(left + panel + gap, 30, panel, height - 80, x,
                SvgPlot.Axis.log(decades(penaltyLo, penaltyHi), "raw penalty (unweighted; log scale)")).axes(null)
                .beginData() : null;
        List<String> labels = new ArrayList<>();
        List<String> colors = new ArrayList<>();
        for (int k = 0; k < cells.size(); k++) {
            Report.Cell cell = cells.get(k);
            TrainingCurve c = curves.get(k);
            String color = SvgPlot.color(columns.indexOf(cell.regularizer()));
            double[] xs = new double[c.size()];
            double[] low = new double[c.size()];
            double[] high = new double[c.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = c.minibatch()[i];
                low[i] = Double.isFinite(c.lossSd()[i]) ? c.lossMean()[i] - c.lossSd()[i] : Double.NaN;
                high[i] = Double.isFinite(c.lossSd()[i]) ? c.lossMean()[i] + c.lossSd()[i] : Double.NaN;
            }
            loss.band(xs, low, high, color).line(xs, c.lossMean(), color);
            if (penalty != null && java.util.Arrays.stream(c.penaltyMean()).allMatch(p -> p > 0)) {
                penalty.line(xs, c.penaltyMean(), color);
            }
            int runs = java.util.Arrays.stream(c.runs()).max().orElse(0);
            labels.add(cell.regularizer() + " (" + runs + " run" + (runs == 1 ? "" : "s") + ")");
            colors.add(color);
        }
        StringBuilder svg = new StringBuilder(SvgPlot.open(name + ": training loss and penalty", width, height));
        svg.append(f("<text x=\"%.1f\" y=\"16\" font-weight=\"bold\">%s</text>%n", left, esc(name)));
        svg.append(loss.endData().svg());
        if (penalty != null) {
            svg.append(penalty.endData().svg());
        }
        svg.append(SvgPlot.legend(left + 2 * panel + gap + 20, 44, labels, colors)).append("</svg>\n");
        return "<figure class=\"chart\" data-chart=\"curve\">\n" + svg + "<figcaption>" + esc(name
                + ": training loss (mean with a band of ±1 sd over each cell's evaluated runs) and raw penalty (mean; "
                + "log scale, regularizers with a positive penalty) of every regularizer, on shared axes.")
                + "</figcaption>\n</figure>\n";
    }

    /** Powers of ten spanning [lo, hi] (at least two), the penalty axis' ticks. */
    static List<Double> decades(double lo, double hi) {
        List<Double> ticks = new ArrayList<>();
        for (double t = Math.pow(10, Math.floor(Math.log10(lo))); t <= hi * 10; t *= 10) {
            ticks.add(t);
            if (t >= hi) {
                break;
            }
        }
        if (ticks.size() < 2) {
            ticks.add(ticks.get(0) * 10);
        }
        return ticks;
    }
}
