package io.gradreg.report;

import io.gradreg.store.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Renders a {@link Report} as Markdown, CSV, JSON and (for several training sizes) an SVG chart. */
public final class ReportWriter {

    private ReportWriter() {
    }

    /** Writes report.md, report.csv, report.json (and accuracy.svg) into {@code dir}, each atomically. */
    public static List<Path> writeAll(Report report, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        written.add(write(dir.resolve("report.md"), markdown(report)));
        written.add(write(dir.resolve("report.csv"), csv(report)));
        written.add(write(dir.resolve("report.json"), json(report)));
        String svg = svg(report);
        if (svg != null) {
            written.add(write(dir.resolve("accuracy.svg"), svg));
        }
        return written;
    }

    private static Path write(Path file, String content) throws IOException {
        // a temporary file of its own: the shards of an experiment may write the same report at once
        Path tmp = file.resolveSibling(file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
        Files.writeString(tmp, content);
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static String markdown(Report report) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(report.experiment()).append(" (job instance ").append(report.instanceId()).append(")\n\n");
        md.append("Test accuracy in percent on the 10,000 MNIST test images: mean (standard deviation) over runs; ")
                .append("the paper's number and the difference where published.\n\n");
        md.append("| architecture | train size |");
        for (String c : report.columns()) {
            md.append(' ').append(c).append(" |");
        }
        md.append("\n|---|---|");
        report.columns().forEach(c -> md.append("---|"));
        md.append('\n');
        for (String row : report.rows()) {
            String[] parts = row.split("\\|");
            md.append("| ").append(parts[0]).append(" | ").append(parts[1]).append(" |");
            for (String c : report.columns()) {
                md.append(' ').append(report.cell(row, c).map(ReportWriter::cellText).orElse("")).append(" |");
            }
            md.append('\n');
        }
        md.append("\nWeights (convention: ").append(report.weightConvention().id()).append(", ")
                .append(report.weightConvention().meaning()).append("): ");
        List<String> weights = new ArrayList<>();
        for (Report.Cell cell : report.cells()) {
            String w = cell.architecture() + "/" + cell.regularizer() + "/" + cell.trainSize() + " = " + num(cell.jobWeight());
            if (cell.jobWeight() != cell.weight()) {
                w += " (" + num(cell.weight()) + " in mean units)";
            }
            weights.add(w);
        }
        md.append(String.join(", ", weights)).append(".\n");
        if (!report.regularizerParameters().isEmpty()) {
            md.append("\nRegularizer parameters: ").append(report.regularizerParameters().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().entrySet().stream().map(v -> v.getKey() + "=" + v.getValue())
                            .collect(Collectors.joining(" ")))
                    .collect(Collectors.joining(", "))).append(" (others: their defaults).\n");
        }
        md.append("\nSeeds: run i of every cell uses seed ").append(seedText(report)).append(".\n");
        if (!report.failed().isEmpty()) {
            md.append("\n## Failed runs\n\n");
            for (RunRecord r : report.failed()) {
                md.append("- ").append(r.runKey()).append(" (seed ").append(r.seed()).append("): ").append(r.message()).append('\n');
            }
        }
        if (!report.missing().isEmpty()) {
            md.append("\n## Missing runs (not finished)\n\n");
            for (RunRecord r : report.missing()) {
                md.append("- ").append(r.runKey()).append(" (seed ").append(r.seed()).append("): ").append(r.status())
                        .append(", ").append(r.minibatchesDone()).append('/').append(r.minibatches()).append(" minibatches\n");
            }
        }
        return md.toString();
    }

    private static String seedText(Report report) {
        long min = report.runs().stream().mapToLong(r -> r.seed() - r.runIndex()).min().orElse(0);
        return "base + i, base = " + min;
    }

    static String cellText(Report.Cell cell) {
        StringBuilder s = new StringBuilder();
        if (cell.mean() == null) {
            s.append("—");
        } else {
            s.append(fmt(cell.mean()));
            if (cell.sd() != null) {
                s.append(" (").append(fmt(cell.sd())).append(')');
            }
        }
        s.append(" n=").append(cell.evaluated());
        if (cell.paper() != null) {
            s.append("; paper ").append(fmt(cell.paper().accuracy()));
            if (cell.difference() != null) {
                s.append(", Δ ").append(cell.difference() >= 0 ? "+" : "").append(fmt(cell.difference()));
            }
        }
        if (cell.failed() > 0) {
            s.append("; ").append(cell.failed()).append(" failed");
        }
        if (cell.missing() > 0) {
            s.append("; ").append(cell.missing()).append(" missing");
        }
        return s.toString();
    }

    public static String csv(Report report) {
        StringBuilder csv = new StringBuilder(
                "experiment,architecture,train_size,regularizer,weight_convention,weight,mean_units_weight,planned,evaluated,failed,mean_accuracy,sd_accuracy,"
                        + "paper_accuracy,paper_sd,difference\n");
        for (Report.Cell c : report.cells()) {
            csv.append(String.join(",", report.experiment(), c.architecture(), c.trainSize(), c.regularizer(),
                    report.weightConvention().id(), num(c.jobWeight()), num(c.weight()), Integer.toString(c.planned()), Integer.toString(c.evaluated()),
                    Integer.toString(c.failed()), opt(c.mean()), opt(c.sd()),
                    c.paper() == null ? "" : num(c.paper().accuracy()), c.paper() == null ? "" : num(c.paper().sd()),
                    opt(c.difference()))).append('\n');
        }
        return csv.toString();
    }

    public static String json(Report report) {
        StringBuilder j = new StringBuilder("{\n  \"experiment\": ").append(str(report.experiment()))
                .append(",\n  \"jobInstance\": ").append(report.instanceId())
                .append(",\n  \"weightConvention\": ").append(str(report.weightConvention().id()))
                .append(",\n  \"regularizerParameters\": {").append(report.regularizerParameters().entrySet().stream()
                        .map(e -> str(e.getKey()) + ": {" + e.getValue().entrySet().stream()
                                .map(v -> str(v.getKey()) + ": " + str(v.getValue())).collect(Collectors.joining(", ")) + "}")
                        .collect(Collectors.joining(", "))).append('}')
                .append(",\n  \"cells\": [");
        List<Report.Cell> cells = report.cells();
        for (int i = 0; i < cells.size(); i++) {
            Report.Cell c = cells.get(i);
            j.append(i == 0 ? "\n" : ",\n").append("    {\"architecture\": ").append(str(c.architecture()))
                    .append(", \"trainSize\": ").append(str(c.trainSize()))
                    .append(", \"regularizer\": ").append(str(c.regularizer()))
                    .append(", \"weight\": ").append(num(c.jobWeight()))
                    .append(", \"meanUnitsWeight\": ").append(num(c.weight()))
                    .append(", \"planned\": ").append(c.planned())
                    .append(", \"evaluated\": ").append(c.evaluated())
                    .append(", \"failed\": ").append(c.failed())
                    .append(", \"meanAccuracy\": ").append(jnum(c.mean()))
                    .append(", \"sdAccuracy\": ").append(jnum(c.sd()))
                    .append(", \"paperAccuracy\": ").append(c.paper() == null ? "null" : num(c.paper().accuracy()))
                    .append(", \"difference\": ").append(jnum(c.difference())).append('}');
        }
        j.append("\n  ],\n  \"runs\": [");
        List<RunRecord> runs = report.runs();
        for (int i = 0; i < runs.size(); i++) {
            RunRecord r = runs.get(i);
            j.append(i == 0 ? "\n" : ",\n").append("    {\"run\": ").append(str(r.runKey()))
                    .append(", \"seed\": ").append(r.seed())
                    .append(", \"status\": ").append(str(r.status().name()))
                    .append(", \"minibatches\": ").append(r.minibatchesDone())
                    .append(", \"testAccuracy\": ").append(jnum(r.testAccuracy()))
                    .append(", \"testLoss\": ").append(jnum(r.testLoss()))
                    .append(", \"finalLoss\": ").append(jnum(r.finalLoss()))
                    .append(", \"finalPenalty\": ").append(jnum(r.finalPenalty()))
                    .append(", \"trainSeconds\": ").append(jnum(r.trainSeconds()))
                    .append(", \"message\": ").append(r.message() == null ? "null" : str(r.message())).append('}');
        }
        return j.append("\n  ]\n}\n").toString();
    }

    /**
     * Accuracy against training-set size, one line per (architecture, regularizer); null unless the
     * experiment has at least two sizes given as totals.
     */
    public static String svg(Report report) {
        Map<String, TreeMap<Integer, Double>> lines = new TreeMap<>();
        for (Report.Cell c : report.cells()) {
            if (c.mean() == null || c.trainSize().endsWith("/class")) {
                continue;
            }
            String name = (report.rows().stream().map(r -> r.split("\\|")[0]).distinct().count() > 1
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
        String[] colors = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
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

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String opt(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String jnum(Double v) {
        return v == null || !Double.isFinite(v) ? "null" : Double.toString(v);
    }

    private static String str(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
