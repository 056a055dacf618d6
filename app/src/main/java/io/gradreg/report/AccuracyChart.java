package io.gradreg.report;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The SVG chart of a report with several training sizes: accuracy against size, log scale. */
final class AccuracyChart {

    private AccuracyChart() {
    }

    /**
     * Accuracy against training-set size, one line per (architecture, regularizer); null unless the
     * experiment has at least two sizes given as totals.
     */
    static String svg(Report report) {
        Map<String, TreeMap<Integer, Double>> lines = new TreeMap<>();
        for (Report.Cell c : report.cells()) {
            if (c.mean() == null || c.trainSize().endsWith("/class")) {
                continue;
            }
            String name = (report.rows().stream().map(Report.Row::architecture).distinct().count() > 1
                    ? c.architecture() + " " : "") + c.regularizer();
            lines.computeIfAbsent(name, k -> new TreeMap<>()).put(Integer.parseInt(c.trainSize()), c.mean());
        }
        if (lines.values().stream().noneMatch(l -> l.size() >= 2)) {
            return null;
        }
        double minX = Math.log(lines.values().stream().mapToInt(TreeMap::firstKey).min().orElseThrow());
        double maxX = Math.log(lines.values().stream().mapToInt(TreeMap::lastKey).max().orElseThrow());
        double minY = Math.floor(lines.values().stream().flatMap(l -> l.values().stream()).mapToDouble(d -> d).min()
                .orElseThrow());
        double maxY = Math.ceil(lines.values().stream().flatMap(l -> l.values().stream()).mapToDouble(d -> d).max()
                .orElseThrow());
        if (maxY - minY < 1) {
            maxY = minY + 1;
        }
        int w = 720;
        int h = 440;
        int left = 60;
        int right = 170;
        int top = 30;
        int bottom = 50;
        String[] colors = SvgPlot.PALETTE;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        s.append("<text x=\"").append(left).append("\" y=\"18\">").append(esc(report.experiment()))
                .append(": test accuracy (%) against training-set size</text>\n");
        double plotW = w - left - right;
        double plotH = h - top - bottom;
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>%n",
                left, top, plotW, plotH));
        for (double y = minY; y <= maxY + 1e-9; y += Math.max(0.5, (maxY - minY) / 8)) {
            double py = top + plotH * (1 - (y - minY) / (maxY - minY));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>%n", left - 6, py + 4, y));
        }
        TreeMap<Integer, Boolean> sizes = new TreeMap<>();
        lines.values().forEach(l -> l.keySet().forEach(k -> sizes.put(k, true)));
        for (int size : sizes.keySet()) {
            double px = left + plotW * (maxX == minX ? 0.5 : (Math.log(size) - minX) / (maxX - minX));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", px,
                    h - bottom + 18, size));
        }
        int i = 0;
        for (Map.Entry<String, TreeMap<Integer, Double>> line : lines.entrySet()) {
            String color = colors[i % colors.length];
            StringBuilder points = new StringBuilder();
            for (Map.Entry<Integer, Double> p : line.getValue().entrySet()) {
                double px = left + plotW * (maxX == minX ? 0.5 : (Math.log(p.getKey()) - minX) / (maxX - minX));
                double py = top + plotH * (1 - (p.getValue() - minY) / (maxY - minY));
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            }
            s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"")
                    .append(points.toString().strip()).append("\"/>\n");
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", w - right + 10,
                    top + 16 + 18 * i, color, esc(line.getKey())));
            i++;
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">training images (log scale)</text>%n",
                left + plotW / 2, h - 12));
        return s.append("</svg>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
