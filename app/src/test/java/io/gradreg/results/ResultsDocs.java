package io.gradreg.results;

import io.gradreg.report.ExpectedResults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.StandardDeviation;
import org.apache.commons.statistics.descriptive.Variance;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.TTest;

/**
 * The numbers of the results docs, checked against the committed data they come from.
 *
 * <p>A number in the prose carries a tag right after it, an HTML comment that renders as nothing:
 * <pre>
 * SpectReg 97.34 (0.13)&lt;!--= c6-protocol dropout/spectreg: mean sd --&gt;
 * 0.44&lt;!--= c6-protocol dropout/spectreg - dropout/jacreg: diff --&gt; below JacReg, p 1.3e-05&lt;!--= c6-protocol dropout/spectreg - dropout/jacreg: p --&gt;
 * </pre>
 * The tag names a source, a cell (or two, paired by seed) and the quantities of the numbers just
 * before it on the same line, in order. Sources: an experiment id (its runs file under
 * docs/results/), {@code ID.paper} and {@code ID.repl} (the job's expected and observed tables),
 * an ablation table ({@code ablations}, {@code ablations-c6-weight}: docs/results/*.tsv), and
 * {@code ID[validation]} or {@code ID[MEASURE]} (a runs file's validation accuracy or robustness
 * measure in place of its test accuracy: {@code c6-weight-sweep[fgsm@0.1] dropout/none: mean sd}).
 * Targets and their quantities:
 * <ul>
 * <li>{@code CELL}: mean, sd, n, min, max, sSEED (the run of that seed);</li>
 * <li>{@code CELL - CELL} (paired by seed): diff, sdd (sd of the differences), p (paired t), lo, hi
 * (95% interval), n, wins, losses (seeds where the left is above, below);</li>
 * <li>{@code CELL - paper}: diff, se, p (Welch against the paper's mean and sd of 10 runs; a sweep's
 * grid cell {@code REG=WEIGHT} against the paper's number for REG);</li>
 * <li>{@code *} (the whole experiment): n (evaluated runs), cells, hours (sum of training time);</li>
 * <li>{@code selected CELL} (a weight sweep's group, {@code selected dropout/spectreg}): weight (the
 * weight its rule selected, in the job's convention);</li>
 * <li>{@code claim LEFT OP RIGHT} (a comparison of the claims in report.json, named as there, a
 * trend as {@code claim A - B shrinks}, one on a robustness measure with it, as in
 * {@code claim A < B [gradnorm]}): diff, p, adjp, lo, hi, df, bfp (its Brown–Forsythe p).</li>
 * </ul>
 * A CELL is ARCH/REG[@SIZE] (the size may be left out when the experiment has one). A
 * number written without a sign is compared with the quantity's absolute value (the words around
 * it say which way); with a sign, exactly. Blocks between {@code <!--= table ID -->} or
 * {@code <!--= claims ID -->} and {@code <!--= end -->} are copies of the accuracy table and the
 * claims table of the experiment's generated report.md. Accuracy-like numbers (90.00-99.99), sds in
 * parentheses, signed differences and p-values that carry no tag are reported as untracked.
 */
final class ResultsDocs {

    static final Path RESULTS = Path.of("docs", "results");

    private static final Pattern TAG = Pattern.compile("<!--=\\s*(.*?)\\s*-->");
    private static final Pattern NUMBER = Pattern.compile(
            "(?<![\\w.])[+\\-−]?(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?(?:[eE][+\\-−]?\\d+)?");
    private static final Pattern UNTRACKED = Pattern.compile("(?<![\\w.])(?:9\\d\\.\\d\\d(?!\\d)"
            + "|\\(0\\.\\d\\d\\)|[+−]\\d\\.\\d\\d(?!\\d)|\\bp\\s*(?:=|<|≈)?\\s*\\d\\.\\d+(?:e-\\d+)?)");

    /** Accuracy in percent by cell, then by seed. */
    private final Map<String, Map<String, Map<Long, Double>>> sources = new HashMap<>();
    private final Map<String, ExpectedResults> references = new HashMap<>();
    private final Map<String, Path> reports = new HashMap<>();
    private final Map<String, Double> trainSeconds = new HashMap<>();
    /** A sweep's selected weights (the job's convention), by "ID ARCH/REG/SIZE". */
    private final Map<String, Double> selections = new HashMap<>();

    static ResultsDocs load(Path jobs) {
        ResultsDocs docs = new ResultsDocs();
        try (Stream<Path> files = Files.walk(RESULTS)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".runs.json")) {
                    RunsFile runs = RunsFile.read(file);
                    Map<String, Map<Long, Double>> cells = new TreeMap<>();
                    for (RunsFile.Run r : runs.runs()) {
                        if ("EVALUATED".equals(r.status()) && r.testAccuracy() != null) {
                            cells.computeIfAbsent(r.architecture() + "/" + r.regularizer() + "@" + r.trainSize(),
                                    k -> new TreeMap<>()).put(r.seed(), 100 * r.testAccuracy());
                        }
                    }
                    docs.sources.put(runs.experimentId(), cells);
                    docs.measures(runs);
                    if (runs.selections() != null) {
                        runs.selections().forEach(sel -> docs.selections.put(runs.experimentId() + " " + sel.group(),
                                sel.weight()));
                    }
                    docs.trainSeconds.put(runs.experimentId(), runs.runs().stream()
                            .mapToDouble(r -> r.trainSeconds() == null ? 0 : r.trainSeconds()).sum());
                    docs.reports.put(runs.experimentId(), file.resolveSibling("report.md"));
                    String job = runs.job().name();
                    for (String kind : List.of("expected", "observed")) {
                        // the job's own table, else the one its job property names (an ablation reads C2's)
                        Matcher named = Pattern.compile("<property name=\"" + kind + "\" value=\"([^\"]+)\"")
                                .matcher(runs.job().xml());
                        Path table = jobs.resolve(job + "." + kind + ".csv");
                        if (!Files.exists(table) && named.find()) {
                            table = jobs.resolve(named.group(1));
                        }
                        if (Files.exists(table)) {
                            docs.references.put(runs.experimentId() + (kind.equals("expected") ? ".paper" : ".repl"),
                                    ExpectedResults.read(table));
                        }
                    }
                } else if (name.endsWith(".tsv")) {
                    docs.sources.put(name.substring(0, name.length() - 4), ablation(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    /**
     * The runs' validation accuracy and robustness measures as sources of their own: {@code ID[validation]}
     * and {@code ID[MEASURE]} ({@code c6-weight-sweep[fgsm@0.1]}), accuracies in percent like the
     * report's, norms and seconds as they are.
     */
    private void measures(RunsFile runs) {
        for (RunsFile.Run r : runs.runs()) {
            if (!"EVALUATED".equals(r.status())) {
                continue;
            }
            String cell = r.architecture() + "/" + r.regularizer() + "@" + r.trainSize();
            Map<String, Double> values = new TreeMap<>();
            if (r.validation() != null) {
                values.put("validation", 100 * r.validation().accuracy());
            }
            if (r.measures() != null) {
                r.measures().forEach((m, v) -> values.put(m, v * (io.gradreg.robustness.Measure.parse(m).isAccuracy()
                        ? 100 : 1)));
            }
            values.forEach((m, v) -> sources.computeIfAbsent(runs.experimentId() + "[" + m + "]", k -> new TreeMap<>())
                    .computeIfAbsent(cell, k -> new TreeMap<>()).put(r.seed(), v));
        }
    }

    /** A table of `gradreg train` output lines: (name-sN | reg, weight, seed), ..., "test accuracy X%". */
    private static Map<String, Map<Long, Double>> ablation(Path file) throws IOException {
        Map<String, Map<Long, Double>> cells = new TreeMap<>();
        Pattern accuracy = Pattern.compile("test accuracy (\\d+\\.\\d+)%");
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split("\t");
            Matcher m = accuracy.matcher(line);
            if (!m.find()) {
                continue;
            }
            String cell;
            long seed;
            Matcher named = Pattern.compile("(.*)-s(\\d+)").matcher(f[0]);
            if (named.matches()) {
                cell = named.group(1);
                seed = Long.parseLong(named.group(2));
            } else {
                cell = f[0] + "/" + f[1];
                seed = Long.parseLong(f[2]);
            }
            cells.computeIfAbsent(cell, k -> new TreeMap<>()).put(seed, Double.parseDouble(m.group(1)));
        }
        return cells;
    }

    /** Every problem of one document: wrong numbers, unknown tags, stale blocks, untracked numbers. */
    List<String> check(String doc, String text) {
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        boolean code = false;
        String block = null;
        int blockStart = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String at = doc + ":" + (i + 1) + ": ";
            if (line.strip().startsWith("```")) {
                code = !code;
                continue;
            }
            Matcher blockTag = Pattern.compile("^<!--=\\s*(table|claims|end)\\s*(\\S*)\\s*-->$").matcher(line.strip());
            if (!code && blockTag.matches()) {
                if (blockTag.group(1).equals("end")) {
                    if (block == null) {
                        problems.add(at + "'end' without a block");
                    } else {
                        String want = generated(block);
                        String have = String.join("\n", Arrays.asList(lines).subList(blockStart, i));
                        if (!want.strip().equals(have.strip())) {
                            problems.add(doc + ":" + blockStart + ": the block '" + block + "' is not the generated "
                                    + "table (fill it: mvn test -Dtest=ResultsDocsTest -Dgradreg.docs.fill=true)");
                        }
                    }
                    block = null;
                } else {
                    block = blockTag.group(1) + " " + blockTag.group(2);
                    blockStart = i + 1;
                }
                continue;
            }
            if (code || block != null) {
                continue;
            }
            problems.addAll(checkLine(at, line));
        }
        if (block != null) {
            problems.add(doc + ": the block '" + block + "' has no '<!--= end -->'");
        }
        return problems;
    }

    /**
     * One tag of a line: its text, target ("SOURCE CELL ..."), quantities, the numbers before it that
     * it covers (the last as many as it has quantities, since the previous tag) and where its
     * uncovered text begins and ends in the line.
     */
    private record Tag(String text, String target, List<String> quantities, List<int[]> covered, int found,
            int textFrom, int textTo, int end) {

        boolean complete() {
            return !quantities.isEmpty() && found >= quantities.size();
        }
    }

    private static List<Tag> tags(String line) {
        List<Tag> tags = new ArrayList<>();
        Matcher tag = TAG.matcher(line);
        int from = 0;
        while (tag.find()) {
            String[] spec = tag.group(1).split(":", 2);
            List<String> quantities = spec.length < 2 ? List.of() : List.of(spec[1].strip().split("\\s+"));
            List<int[]> spans = new ArrayList<>();
            Matcher n = NUMBER.matcher(line).region(from, tag.start());
            while (n.find()) {
                spans.add(new int[] {n.start(), n.end()});
            }
            boolean complete = !quantities.isEmpty() && spans.size() >= quantities.size();
            List<int[]> covered = complete ? spans.subList(spans.size() - quantities.size(), spans.size()) : List.of();
            tags.add(new Tag(tag.group(1), spec[0].strip(), quantities, covered, spans.size(), from,
                    complete ? covered.get(0)[0] : tag.start(), tag.end()));
            from = tag.end();
        }
        return tags;
    }

    private List<String> checkLine(String at, String line) {
        List<String> problems = new ArrayList<>();
        StringBuilder untagged = new StringBuilder();
        int from = 0;
        for (Tag tag : tags(line)) {
            if (!tag.complete()) {
                problems.add(at + "the tag '" + tag.text() + "' needs 'SOURCE CELL: QUANTITY ...' after as many "
                        + "numbers (found " + tag.found() + ")");
            }
            for (int q = 0; q < tag.covered().size(); q++) {
                String written = line.substring(tag.covered().get(q)[0], tag.covered().get(q)[1]);
                try {
                    double value = value(tag.target(), tag.quantities().get(q));
                    if (!agrees(written, value)) {
                        problems.add(at + written + " is " + tag.target() + " " + tag.quantities().get(q) + " = " + value);
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(at + e.getMessage());
                }
            }
            untagged.append(line, tag.textFrom(), tag.textTo()).append(' ');
            from = tag.end();
        }
        untagged.append(line.substring(from));
        Matcher u = UNTRACKED.matcher(untagged.toString().replaceAll("<!--.*?-->", ""));
        while (u.find()) {
            problems.add(at + "'" + u.group() + "' is not tagged with the data it comes from");
        }
        return problems;
    }

    /** The quantity of one tag: "SOURCE CELL" or "SOURCE CELL - CELL", a quantity name. */
    double value(String target, String quantity) {
        String[] t = target.split("\\s+");
        String source = t[0];
        if (references.containsKey(source)) {
            String[] c = cell(t[1]);
            ExpectedResults.Expected e = references.get(source).get(c[0], c[2], c[1])
                    .orElseThrow(() -> new IllegalArgumentException(source + " has no cell " + t[1]));
            return switch (quantity) {
                case "mean" -> e.accuracy();
                case "sd" -> e.sd();
                default -> throw new IllegalArgumentException("a reference has 'mean' and 'sd', not '" + quantity + "'");
            };
        }
        Map<String, Map<Long, Double>> cells = sources.get(source);
        if (cells == null) {
            throw new IllegalArgumentException("unknown source '" + source + "' (known: " + sources.keySet() + ", "
                    + references.keySet() + ")");
        }
        if (t.length == 2 && t[1].equals("*")) {
            return switch (quantity) {
                case "n" -> cells.values().stream().mapToInt(Map::size).sum();
                case "cells" -> cells.size();
                case "hours" -> trainSeconds.getOrDefault(source, Double.NaN) / 3600;
                default -> throw new IllegalArgumentException("an experiment ('*') has n, cells or hours, not '"
                        + quantity + "'");
            };
        }
        if (t.length == 3 && t[1].equals("selected")) {
            if (!quantity.equals("weight")) {
                throw new IllegalArgumentException("a selection has 'weight', not '" + quantity + "'");
            }
            String[] c = cell(t[2]);
            Double weight = selections.get(source + " " + c[0] + "/" + c[1] + "/" + c[2]);
            if (weight == null) {
                throw new IllegalArgumentException(source + " has no selection for " + t[2]);
            }
            return weight;
        }
        if (t.length >= 4 && t[1].equals("claim")) {
            return claimed(source, String.join(" ", Arrays.asList(t).subList(2, t.length)), quantity);
        }
        Map<Long, Double> a = runs(cells, source, t[1]);
        if (t.length == 4 && t[3].equals("paper")) {
            return vsPaper(source, t[1], a, quantity);
        }
        if (t.length == 2) {
            double[] x = a.values().stream().mapToDouble(v -> v).toArray();
            if (quantity.matches("s\\d+")) {
                Double v = a.get(Long.parseLong(quantity.substring(1)));
                if (v == null) {
                    throw new IllegalArgumentException(source + " " + t[1] + " has no run with seed " + quantity);
                }
                return v;
            }
            return switch (quantity) {
                case "mean" -> Mean.of(x).getAsDouble();
                case "sd" -> StandardDeviation.of(x).getAsDouble();
                case "n" -> x.length;
                case "min" -> Arrays.stream(x).min().orElseThrow();
                case "max" -> Arrays.stream(x).max().orElseThrow();
                default -> throw new IllegalArgumentException("a cell has mean, sd, n, min, max or sSEED, not '"
                        + quantity + "'");
            };
        }
        if (t.length != 4 || !t[2].equals("-")) {
            throw new IllegalArgumentException("'" + target + "' is not 'SOURCE CELL' or 'SOURCE CELL - CELL'");
        }
        Map<Long, Double> b = runs(cells, source, t[3]);
        List<Long> seeds = a.keySet().stream().filter(b::containsKey).toList();
        double[] x = seeds.stream().mapToDouble(a::get).toArray();
        double[] y = seeds.stream().mapToDouble(b::get).toArray();
        double[] d = seeds.stream().mapToDouble(s -> a.get(s) - b.get(s)).toArray();
        double mean = Arrays.stream(d).average().orElse(Double.NaN);
        double se = Math.sqrt(Variance.of(d).getAsDouble() / d.length);
        double half = se * TDistribution.of(d.length - 1.0).inverseSurvivalProbability(0.025);
        return switch (quantity) {
            case "diff" -> mean;
            case "sdd" -> StandardDeviation.of(d).getAsDouble();
            case "p" -> TTest.withDefaults().pairedTest(x, y).getPValue();
            case "lo" -> mean - half;
            case "hi" -> mean + half;
            case "n" -> d.length;
            case "wins" -> Arrays.stream(d).filter(v -> v > 0).count();
            case "losses" -> Arrays.stream(d).filter(v -> v < 0).count();
            default -> throw new IllegalArgumentException("a pair has diff, sdd, p, lo, hi, n, wins or losses, not '"
                    + quantity + "'");
        };
    }

    /** A cell against the paper's: ours − paper, its standard error and the Welch p (the paper's cells are 10 runs). */
    private double vsPaper(String source, String cell, Map<Long, Double> a, String quantity) {
        ExpectedResults paper = references.get(source + ".paper");
        String[] c = cell(cell.contains("@") ? cell : runsKey(source, cell));
        // a sweep's grid cell (spectreg=0.003) against the paper's number for the regularizer
        ExpectedResults.Expected e = paper == null ? null : paper.get(c[0], c[2], c[1].replaceFirst("=.*", ""))
                .orElse(null);
        if (e == null) {
            throw new IllegalArgumentException(source + " has no paper's number for " + cell);
        }
        double[] x = a.values().stream().mapToDouble(v -> v).toArray();
        double m = Mean.of(x).getAsDouble();
        double v = Variance.of(x).getAsDouble();
        return switch (quantity) {
            case "diff" -> m - e.accuracy();
            case "se" -> Math.sqrt(v / x.length + e.sd() * e.sd() / 10);
            case "p" -> TTest.withDefaults().with(org.apache.commons.statistics.inference.DataDispersion.HETEROSCEDASTIC)
                    .test(m, v, x.length, e.accuracy(), e.sd() * e.sd(), 10).getPValue();
            default -> throw new IllegalArgumentException("a cell against the paper has diff, se or p, not '"
                    + quantity + "'");
        };
    }

    private String runsKey(String source, String cell) {
        return sources.get(source).keySet().stream().filter(k -> k.startsWith(cell + "@")).findFirst().orElse(cell);
    }

    /** A comparison of the experiment's report.json claims, "LEFT OP RIGHT" as the report names it. */
    private double claimed(String source, String comparison, String quantity) {
        try {
            com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(reports.get(source).resolveSibling("report.json").toFile());
            for (com.fasterxml.jackson.databind.JsonNode claim : report.get("claims")) {
                for (com.fasterxml.jackson.databind.JsonNode c : claim.get("comparisons")) {
                    String name = c.get("left").asText() + " " + c.get("op").asText() + " " + c.get("right").asText();
                    // a comparison on a robustness measure is named with it, as in report.md: "A < B [gradnorm]"
                    if (c.hasNonNull("measure")) {
                        name = name.strip() + " [" + c.get("measure").asText() + "]";
                    }
                    if (name.strip().equals(comparison)) {
                        String field = switch (quantity) {
                            case "diff" -> "difference";
                            case "p" -> "pValue";
                            case "adjp" -> "adjustedP";
                            case "df" -> "degreesOfFreedom";
                            case "bfp" -> "equalVarianceP";
                            case "lo" -> "ciLow";
                            case "hi" -> "ciHigh";
                            default -> throw new IllegalArgumentException("a claim's comparison has diff, p, adjp, "
                                    + "lo, hi, df or bfp, not '" + quantity + "'");
                        };
                        return c.get(field).asDouble();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException(source + "'s report.json has no comparison '" + comparison + "'");
    }

    private static Map<Long, Double> runs(Map<String, Map<Long, Double>> cells, String source, String cell) {
        Map<Long, Double> runs = cells.get(cell);
        if (runs == null) {
            List<String> matches = cells.keySet().stream().filter(k -> k.startsWith(cell + "@")).toList();
            if (matches.size() == 1) {
                return cells.get(matches.get(0));
            }
            throw new IllegalArgumentException(source + " has no cell '" + cell + "' (cells: " + cells.keySet() + ")");
        }
        return runs;
    }

    /** "arch/reg[@size]" as architecture, regularizer, size ("200/class" when none is given). */
    private static String[] cell(String cell) {
        int slash = cell.indexOf('/');
        int at = cell.indexOf('@');
        return new String[] {cell.substring(0, slash), cell.substring(slash + 1, at < 0 ? cell.length() : at),
            at < 0 ? "200/class" : cell.substring(at + 1)};
    }

    /** A written number agrees when the value rounds to it at the written precision. */
    static boolean agrees(String written, double value) {
        String w = written.replace('−', '-').replace(",", "");
        boolean signed = w.startsWith("+") || w.startsWith("-");
        double v = signed ? value : Math.abs(value);
        int e = w.toLowerCase(Locale.ROOT).indexOf('e');
        if (e >= 0) {
            String mantissa = w.substring(0, e);
            int decimals = mantissa.contains(".") ? mantissa.length() - mantissa.indexOf('.') - 1 : 0;
            String formatted = String.format(Locale.ROOT, "%." + decimals + "e", v);
            return new BigDecimal(formatted).compareTo(new BigDecimal(w.replace("+", ""))) == 0;
        }
        int decimals = w.contains(".") ? w.length() - w.indexOf('.') - 1 : 0;
        double tolerance = 0.5 * Math.pow(10, -decimals) * (1 + 1e-9);
        return Math.abs(Double.parseDouble(w) - v) <= tolerance;
    }

    /** The generated table a block copies: "table ID" or "claims ID" from the experiment's report.md. */
    String generated(String block) {
        String[] b = block.split(" ");
        Path report = reports.get(b[1]);
        if (report == null) {
            return "(unknown experiment '" + b[1] + "')";
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String header = b[0].equals("table") ? "| architecture | train size |" : "| claim | verdict |";
        int start = 0;
        while (start < lines.size() && !lines.get(start).startsWith(header)) {
            start++;
        }
        int end = start;
        while (end < lines.size() && lines.get(end).startsWith("|")) {
            end++;
        }
        return String.join("\n", lines.subList(start, end));
    }

    /**
     * The text with every block replaced by its generated table and every tagged number rewritten to
     * its value, at the precision and in the form it is written; each rewritten number is added to
     * {@code changes} ("doc:line: old -> new"), since the words around it may need rereading (an
     * unsigned difference's "above" or "below", a verdict).
     */
    String fill(String doc, String text, List<String> changes) {
        String[] lines = text.split("\n", -1);
        StringBuilder out = new StringBuilder();
        String block = null;
        boolean code = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher m = Pattern.compile("^<!--=\\s*(table|claims|end)\\s*(\\S*)\\s*-->$").matcher(line.strip());
            if (line.strip().startsWith("```")) {
                code = !code;
            }
            if (!code && m.matches() && m.group(1).equals("end") && block != null) {
                out.append(generated(block)).append('\n').append(line).append('\n');
                block = null;
            } else if (!code && m.matches() && !m.group(1).equals("end")) {
                block = m.group(1) + " " + m.group(2);
                out.append(line).append('\n');
            } else if (block == null) {
                out.append(code ? line : fillLine(doc + ":" + (i + 1) + ": ", line, changes)).append('\n');
            }
        }
        return out.substring(0, out.length() - 1);
    }

    private String fillLine(String at, String line, List<String> changes) {
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (Tag tag : tags(line)) {
            for (int q = 0; q < tag.covered().size(); q++) {
                int[] span = tag.covered().get(q);
                String written = line.substring(span[0], span[1]);
                String rewritten = written;
                try {
                    double value = value(tag.target(), tag.quantities().get(q));
                    if (!agrees(written, value)) {
                        rewritten = format(written, value);
                        changes.add(at + written + " -> " + rewritten + " (" + tag.target() + " "
                                + tag.quantities().get(q) + ")");
                    }
                } catch (IllegalArgumentException e) {
                    // an unknown tag stays as written: the check names it
                }
                out.append(line, copied, span[0]).append(rewritten);
                copied = span[1];
            }
        }
        return out.append(line.substring(copied)).toString();
    }

    /** The value written as {@code like} is: its decimals, exponent, thousands separators and sign. */
    static String format(String like, double value) {
        String w = like.replace('−', '-');
        boolean signed = w.startsWith("+") || w.startsWith("-");
        String digits = w.replaceFirst("^[+-]", "");
        int e = digits.toLowerCase(Locale.ROOT).indexOf('e');
        String mantissa = e >= 0 ? digits.substring(0, e) : digits;
        int decimals = mantissa.contains(".") ? mantissa.length() - mantissa.indexOf('.') - 1 : 0;
        String body = String.format(Locale.ROOT, "%" + (digits.contains(",") ? "," : "") + "." + decimals
                + (e >= 0 ? "e" : "f"), Math.abs(value));
        if (!signed) {
            return body;
        }
        String minus = like.contains("-") ? "-" : "−";
        return (value < 0 && !body.matches("[0.,e+-]*") ? minus : "+") + body;
    }
}
