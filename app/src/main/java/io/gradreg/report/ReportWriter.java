package io.gradreg.report;

import io.gradreg.store.Cell;
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

/** Renders a {@link Report} as Markdown, CSV, JSON, HTML and (for several training sizes) an SVG chart. */
public final class ReportWriter {

    /** Up to this many missing runs are listed one by one; more are summarized per cell. */
    static final int MISSING_LISTED = 12;

    private ReportWriter() {
    }

    /**
     * Writes report.md, report.csv, report.json, report.html (and accuracy.svg; for a weight sweep,
     * sweep.csv) into {@code dir}, each atomically.
     */
    public static List<Path> writeAll(Report report, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        written.add(write(dir.resolve("report.md"), markdown(report)));
        written.add(write(dir.resolve("report.csv"), csv(report)));
        written.add(write(dir.resolve("report.json"), json(report)));
        written.add(writeHtml(report, dir));
        if (report.sweep().isPresent()) {
            written.add(write(dir.resolve("sweep.csv"), SweepWriter.csv(report.sweep().get())));
        }
        String svg = AccuracyChart.svg(report);
        if (svg != null) {
            written.add(write(dir.resolve("accuracy.svg"), svg));
        }
        return written;
    }

    /** Writes every chart of report.html as a stand-alone SVG file into {@code dir}; returns their paths. */
    public static List<Path> writeSvg(Report report, Path dir) throws IOException {
        return SvgFiles.write(report, dir);
    }

    /** Writes report.html into {@code dir}, atomically; returns its path. */
    public static Path writeHtml(Report report, Path dir) throws IOException {
        Files.createDirectories(dir);
        return write(dir.resolve("report.html"), html(report));
    }

    /** The report as one self-contained HTML page with charts ({@link HtmlReport}). */
    public static String html(Report report) {
        return HtmlReport.render(report);
    }

    private static Path write(Path file, String content) throws IOException {
        // a temporary file of its own: the shards of an experiment may write the same report at once
        Path tmp = file.resolveSibling(file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
        Files.writeString(tmp, content);
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The experiment and its job instance; a comparison of experiments ({@link Comparison}) has none. */
    static String title(Report report) {
        return report.experiment() + (report.instanceId() > 0 ? " (job instance " + report.instanceId() + ")" : "");
    }

    public static String markdown(Report report) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title(report)).append("\n\n");
        md.append("Test accuracy in percent on the 10,000 MNIST test images: mean (standard deviation) over runs; ")
                .append("the paper's number and the difference where published.\n\n");
        md.append("| architecture | train size |");
        for (String c : report.columns()) {
            md.append(' ').append(c).append(" |");
        }
        md.append("\n|---|---|");
        report.columns().forEach(c -> md.append("---|"));
        md.append('\n');
        for (Report.Row row : report.rows()) {
            md.append("| ").append(row.architecture()).append(" | ").append(row.trainSize()).append(" |");
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
            weights.add(w + overrideText(cell));
        }
        md.append(String.join(", ", weights)).append(".\n");
        if (!report.regularizerParameters().isEmpty()) {
            md.append("\nRegularizer parameters: ").append(report.regularizerParameters().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().entrySet().stream().map(v -> v.getKey() + "=" + v.getValue())
                            .collect(Collectors.joining(" ")))
                    .collect(Collectors.joining(", "))).append(" (others: their defaults).\n");
        }
        if (report.batchNorm() != null) {
            md.append("\nBatch normalization (batchnorm runs): ").append(report.batchNorm()).append(".\n");
        }
        md.append("\nSeeds: run i of every cell uses seed ").append(seedText(report)).append(".\n");
        comparison(report, md);
        md.append(report.measures().markdown(report));
        report.sweep().ifPresent(sweep -> md.append(SweepWriter.markdown(sweep)));
        claims(report, md);
        if (!report.failed().isEmpty()) {
            md.append("\n## Failed runs\n\n");
            for (RunRecord r : report.failed()) {
                md.append("- ").append(r.runKey()).append(" (seed ").append(r.seed()).append("): ").append(r.message()).append('\n');
            }
        }
        if (!report.missing().isEmpty()) {
            md.append("\n## Missing runs (not finished)\n\n");
            if (report.missing().size() > MISSING_LISTED) {
                md.append(report.missing().size()).append(" runs in ")
                        .append(report.missing().stream().map(RunRecord::cell).distinct().count()).append(" cells:\n\n");
            }
            missingLines(report).forEach(line -> md.append("- ").append(line).append('\n'));
        }
        return md.toString();
    }

    /**
     * The missing runs, one line each, or one line per cell when there are more than {@link
     * #MISSING_LISTED} (a partly finished experiment plans many runs).
     */
    static List<String> missingLines(Report report) {
        List<String> lines = new ArrayList<>();
        if (report.missing().size() <= MISSING_LISTED) {
            for (RunRecord r : report.missing()) {
                lines.add(r.runKey() + " (seed " + r.seed() + "): " + r.status() + ", " + r.minibatchesDone() + "/"
                        + r.minibatches() + " minibatches");
            }
            return lines;
        }
        Map<Cell, List<RunRecord>> byCell = new java.util.LinkedHashMap<>();
        report.missing().forEach(r -> byCell.computeIfAbsent(r.cell(), k -> new ArrayList<>()).add(r));
        byCell.forEach((cell, runs) -> lines.add(cell + ": seeds "
                + runs.stream().map(r -> Long.toString(r.seed())).collect(Collectors.joining(" ")) + " ("
                + runs.stream().map(r -> r.status().name().toLowerCase(Locale.ROOT)).distinct()
                        .collect(Collectors.joining(", ")) + ")"));
        return lines;
    }

    /** One row per cell with a reference: ours, the paper's, the replication report's, and the test. */
    private static void comparison(Report report, StringBuilder md) {
        List<Report.Cell> referenced = report.cells().stream().filter(c -> c.paper() != null || c.observed() != null)
                .toList();
        if (referenced.isEmpty()) {
            return;
        }
        md.append("\n## Comparison with the paper\n\n")
                .append("Ours: mean (sd) over n runs. Paper: the replication report's \"Expected\" numbers (the paper's, ")
                .append(PaperComparison.PAPER_RUNS).append(" runs each). Replication: the replication report's own ")
                .append("\"Observed\" numbers, a second reference. Δ: ours − paper, ± its standard error ")
                .append("√(sd²/n + sd_paper²/").append(PaperComparison.PAPER_RUNS).append("); p: two-sided Welch t-test ")
                .append("against the paper's cell. ⚠ marks |Δ| > 2 SE.\n\n")
                .append("| architecture | train size | regularizer | weight | ours | paper | replication | Δ ± SE | p | |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Report.Cell c : referenced) {
            var vs = c.vsPaper();
            md.append("| ").append(c.architecture()).append(" | ").append(c.trainSize()).append(" | ")
                    .append(c.regularizer()).append(" | ").append(num(c.jobWeight()))
                    .append(c.overridden() ? " (overridden)" : "").append(" | ")
                    .append(c.mean() == null ? "—" : fmt(c.mean()) + (c.sd() == null ? "" : " (" + fmt(c.sd()) + ")"))
                    .append(", n=").append(c.evaluated()).append(" | ")
                    .append(c.paper() == null ? "—" : fmt(c.paper().accuracy()) + " (" + fmt(c.paper().sd()) + ")")
                    .append(" | ")
                    .append(c.observed() == null ? "—" : fmt(c.observed().accuracy()) + " (" + fmt(c.observed().sd()) + ")")
                    .append(" | ")
                    .append(vs.map(v -> signed(v.difference()) + " ± " + fmt(v.standardError()))
                            .orElse(c.difference() == null ? "—" : signed(c.difference())))
                    .append(" | ").append(vs.map(v -> pValue(v.pValue())).orElse("—")).append(" | ")
                    .append(vs.filter(PaperComparison::beyondTwoStandardErrors).map(v -> "⚠").orElse(""))
                    .append(" |\n");
        }
    }

    /** The paper's claims as tested comparisons (the job's claims file). */
    private static void claims(Report report, StringBuilder md) {
        List<Claims.Result> results = report.claims();
        if (results.isEmpty()) {
            return;
        }
        md.append("\n## Claims\n\n").append(Claims.RULE).append("\n\n")
                .append("A comparison is a t-test of the difference in test accuracy (points), paired over the seeds ")
                .append("both cells ran (same training subsets) where it can be, else Welch's; 95% confidence ")
                .append("interval. \"A ~ B\" is shown when the 90% interval lies within ±").append(num(report.claimsMargin()))
                .append(" points (two one-sided tests), shown against when the difference is beyond the margin. ")
                .append(modelText(report)).append("\"A - B shrinks\" is the slope of the paired gains against ")
                .append("ln(size) with seed as a block (gain_si = α_seed + β·ln size_s), given per doubling of the size.")
                .append(" p: raw; adj. p: Holm within the claim.\n\n");
        md.append("| claim | verdict | comparisons | shown as claimed | shown against | not shown |\n|---|---|---|---|---|---|\n");
        for (Claims.Result r : results) {
            md.append("| ").append(r.text().replace("|", "\\|")).append(" | ").append(Claims.label(r.verdict()))
                    .append(" | ").append(r.checks().size());
            for (Claims.Verdict v : List.of(Claims.Verdict.SUPPORTED, Claims.Verdict.CONTRADICTED,
                    Claims.Verdict.NOT_SHOWN)) {
                md.append(" | ").append(r.checks().stream().filter(c -> c.verdict() == v).count());
            }
            md.append(" |\n");
        }
        md.append('\n');
        for (Claims.Result r : results) {
            md.append("- **").append(r.text()).append("**: ").append(Claims.label(r.verdict())).append('\n');
            for (Claims.Check c : r.checks()) {
                md.append("  - ").append(c.left()).append(' ').append(c.op())
                        .append(c.right().isEmpty() ? "" : " " + c.right())
                        .append(c.measure() == null ? "" : " [" + c.measure() + "]").append(": ");
                if (c.verdict() == Claims.Verdict.NO_DATA) {
                    md.append("not enough runs (n = ").append(c.nLeft()).append(", ").append(c.nRight()).append(")\n");
                    continue;
                }
                if (c.test().equals("trend")) {
                    md.append(signed(c.difference())).append(" per doubling [").append(fmt(c.ciLow())).append(", ")
                            .append(fmt(c.ciHigh())).append("], ").append(c.nLeft()).append(" paired gains at ")
                            .append(c.nRight()).append(" sizes");
                } else {
                    md.append(fmt(c.meanLeft())).append(" vs ").append(fmt(c.meanRight())).append(", Δ ")
                            .append(signed(c.difference())).append(" [").append(fmt(c.ciLow())).append(", ")
                            .append(fmt(c.ciHigh())).append("], ").append(testText(c));
                }
                md.append(", df ").append(c.degreesOfFreedom() == Math.rint(c.degreesOfFreedom())
                        ? num(c.degreesOfFreedom()) : String.format(Locale.ROOT, "%.1f", c.degreesOfFreedom())).append(", p ").append(pValue(c.pValue()))
                        .append(", adj. p ").append(pValue(c.adjustedP())).append(": ")
                        .append(Claims.label(c.verdict())).append('\n');
            }
        }
    }

    private static String modelText(Report report) {
        return report.claimsModel() == Claims.Model.POOLED_OVER_SIZES
                ? "Model: paired differences with their variance pooled over all training sizes of the two regularizers "
                        + "(df = Σ(n_size − 1)); a pair whose differences fail the Brown–Forsythe test of equal "
                        + "variance across sizes (p < 0.05, given as BF p) is tested size by size instead. "
                : "";
    }

    private static String testText(Claims.Check c) {
        return switch (c.test()) {
            case "pooled" -> "paired, n = " + c.nLeft() + ", variance pooled over sizes (BF p "
                    + pValue(c.equalVarianceP()) + ")";
            case "welch" -> "Welch, n = " + c.nLeft() + " and " + c.nRight();
            default -> "paired, n = " + c.nLeft() + (Double.isNaN(c.equalVarianceP()) ? ""
                    : " (not pooled: BF p " + pValue(c.equalVarianceP()) + ")");
        };
    }

    private static String signed(double v) {
        return (v >= 0 ? "+" : "") + fmt(v);
    }

    private static String pValue(double p) {
        return Double.isNaN(p) ? "—" : p < 0.001 ? String.format(Locale.ROOT, "%.1e", p)
                : String.format(Locale.ROOT, "%.3f", p);
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

    /** " (overridden with -p; the job file says W)" for a weight a job parameter overrode, else "". */
    static String overrideText(Report.Cell cell) {
        if (!cell.overridden()) {
            return "";
        }
        return " (overridden with -p; the job file " + (cell.fileWeight().isNaN() ? "gives none"
                : "says " + num(cell.fileWeight())) + ")";
    }

    public static String csv(Report report) {
        StringBuilder csv = new StringBuilder(
                "experiment,architecture,train_size,regularizer,weight_convention,weight,mean_units_weight,planned,evaluated,failed,mean_accuracy,sd_accuracy,"
                        + "paper_accuracy,paper_sd,difference,standard_error,welch_p,beyond_2se,replication_accuracy,"
                        + "replication_sd" + report.measures().csvHeader()
                        + (report.weightsOverridden() ? ",weight_source" : "") + "\n");
        for (Report.Cell c : report.cells()) {
            var vs = c.vsPaper();
            csv.append(String.join(",", report.experiment(), c.architecture(), c.trainSize(), c.regularizer(),
                    report.weightConvention().id(), num(c.jobWeight()), num(c.weight()), Integer.toString(c.planned()), Integer.toString(c.evaluated()),
                    Integer.toString(c.failed()), opt(c.mean()), opt(c.sd()),
                    c.paper() == null ? "" : num(c.paper().accuracy()), c.paper() == null ? "" : num(c.paper().sd()),
                    opt(c.difference()), vs.map(v -> opt(v.standardError())).orElse(""),
                    vs.map(v -> Double.toString(v.pValue())).orElse(""),
                    vs.map(v -> Boolean.toString(v.beyondTwoStandardErrors())).orElse(""),
                    c.observed() == null ? "" : num(c.observed().accuracy()),
                    c.observed() == null ? "" : num(c.observed().sd()))).append(report.measures().csvColumns(c));
            if (report.weightsOverridden()) { // a column only then: reports of job files' weights stay as they were
                csv.append(',').append(c.overridden() ? "override" : "job");
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** report.json: settings, every cell with its comparison and curve, the claims, every run. */
    public static String json(Report report) {
        return JsonReport.render(report);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        // shortest decimal that reads back as v, without exponent: 2.0E-5 -> 0.00002
        return Double.isFinite(v) ? new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString()
                : Double.toString(v);
    }

    private static String opt(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
    }
}
