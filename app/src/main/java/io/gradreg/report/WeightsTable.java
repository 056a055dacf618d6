package io.gradreg.report;

import static io.gradreg.report.SvgPlot.esc;

/**
 * The weights a report's cells trained with, as a table in the results table's layout (a row per
 * architecture and size, a column per regularizer): the job's weight in its convention, and the
 * per-example-mean weight that trained where the two differ.
 */
final class WeightsTable {

    private WeightsTable() {
    }

    static String html(Report report) {
        StringBuilder h = new StringBuilder("<table class=\"weights\">\n<caption>Weights, convention ")
                .append(esc(report.weightConvention().id())).append(": ").append(esc(report.weightConvention().meaning()))
                .append("</caption>\n<thead><tr><th>architecture</th><th>train size</th>");
        report.columns().forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
        h.append("</tr></thead>\n<tbody>\n");
        for (Report.Row row : report.rows()) {
            h.append("<tr><td>").append(esc(row.architecture())).append("</td><td>").append(esc(row.trainSize()))
                    .append("</td>");
            for (String column : report.columns()) {
                h.append("<td>").append(report.cell(row, column).map(c -> ReportWriter.num(c.jobWeight())
                        + (c.jobWeight() != c.weight() ? " (" + ReportWriter.num(c.weight()) + " in mean units)" : "")
                        + ReportWriter.overrideText(c))
                        .map(SvgPlot::esc).orElse("")).append("</td>");
            }
            h.append("</tr>\n");
        }
        return h.append("</tbody>\n</table>\n").toString();
    }
}
