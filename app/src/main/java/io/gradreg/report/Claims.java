package io.gradreg.report;

import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.DataDispersion;
import org.apache.commons.statistics.inference.TTest;

/**
 * The paper's qualitative claims as tested comparisons between cells of a report, read from a
 * claims file next to the job (job property {@code claims}):
 *
 * <pre>
 * # comment
 * margin = 0.3                                    (points; for '~', default 0.3)
 * TEXT | LEFT OP RIGHT [; LEFT OP RIGHT ...]
 * </pre>
 *
 * A cell is {@code ARCHITECTURE/REGULARIZER}, optionally {@code @SIZE} (e.g. {@code @5000} or
 * {@code @200/class}); {@code @*} tests the comparison at every training size of the report, one by
 * one. OP is {@code >} (LEFT more accurate), {@code <}, or {@code ~} (equivalent within the margin).
 *
 * <p>A comparison needs at least {@link #MIN_RUNS} evaluated runs in each cell. Each is a t-test of the difference in test accuracy (percentage points): paired
 * over the seeds both cells ran (run i of every cell trains on the same subset), else Welch's.
 * {@code >}/{@code <} is SUPPORTED when the difference has the claimed sign and the two-sided p is
 * below 0.05, CONTRADICTED when it has the other sign with p below 0.05, else INCONCLUSIVE.
 * {@code ~} is SUPPORTED when the 90% confidence interval lies within ±margin (two one-sided tests
 * at 0.05), CONTRADICTED when the 95% interval lies entirely outside it, else INCONCLUSIVE. A claim
 * is SUPPORTED when all its comparisons are, CONTRADICTED when any is, PARTLY when some are
 * supported and the rest inconclusive.
 */
public final class Claims {

    public static final double ALPHA = 0.05;

    /** Fewer runs per cell than this give no verdict (with two, a standard error of 0 is common). */
    public static final int MIN_RUNS = 3;

    public enum Verdict { SUPPORTED, PARTLY, INCONCLUSIVE, CONTRADICTED, NO_DATA }

    /** One claim as written: its text and its comparisons (cells unresolved). */
    public record Claim(String text, List<String> comparisons) {
    }

    /** One tested comparison. Differences and intervals in percentage points. */
    public record Check(String left, String op, String right, int nLeft, int nRight, boolean paired, double meanLeft,
            double meanRight, double difference, double standardError, double pValue, double ciLow, double ciHigh,
            Verdict verdict) {
    }

    /** A claim with its checks and verdict. */
    public record Result(String text, List<Check> checks, Verdict verdict) {
    }

    private final List<Claim> claims;
    private final double margin;

    private Claims(List<Claim> claims, double margin) {
        this.claims = List.copyOf(claims);
        this.margin = margin;
    }

    public static Claims none() {
        return new Claims(List.of(), 0.3);
    }

    public double margin() {
        return margin;
    }

    public boolean isEmpty() {
        return claims.isEmpty();
    }

    public static Claims read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the claims file " + file + ": " + e.getMessage());
        }
        return parse(lines, file.toString());
    }

    static Claims parse(List<String> lines, String name) {
        List<Claim> claims = new ArrayList<>();
        double margin = 0.3;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String at = name + ":" + (i + 1) + ": ";
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("margin") && line.contains("=") && !line.contains("|")) {
                try {
                    margin = Double.parseDouble(line.substring(line.indexOf('=') + 1).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(at + "margin must be a number of points, e.g. 'margin = 0.3'");
                }
                if (!(margin > 0)) {
                    throw new IllegalArgumentException(at + "margin must be positive");
                }
                continue;
            }
            int bar = line.indexOf('|');
            if (bar <= 0 || bar == line.length() - 1) {
                throw new IllegalArgumentException(at + "expected 'TEXT | LEFT OP RIGHT', e.g. "
                        + "'DoubleBack helps | baseline/doubleback > baseline/none'");
            }
            List<String> comparisons = new ArrayList<>();
            for (String c : line.substring(bar + 1).split(";")) {
                String[] parts = c.strip().split("\\s+");
                if (parts.length != 3 || !List.of(">", "<", "~").contains(parts[1]) || !parts[0].contains("/")
                        || !parts[2].contains("/")) {
                    throw new IllegalArgumentException(at + "'" + c.strip() + "' is not 'ARCH/REGULARIZER[@SIZE] OP "
                            + "ARCH/REGULARIZER[@SIZE]' with OP one of >, <, ~");
                }
                comparisons.add(String.join(" ", parts));
            }
            claims.add(new Claim(line.substring(0, bar).strip(), comparisons));
        }
        return new Claims(claims, margin);
    }

    /** Tests every claim against the report's evaluated runs. */
    public List<Result> evaluate(Report report) {
        List<String> sizes = report.rows().stream().map(Report.Row::trainSize).distinct().toList();
        List<Result> results = new ArrayList<>();
        for (Claim claim : claims) {
            List<Check> checks = new ArrayList<>();
            for (String comparison : claim.comparisons()) {
                String[] p = comparison.split(" ");
                boolean everySize = p[0].endsWith("@*") || p[2].endsWith("@*");
                for (String size : everySize ? sizes : List.of("")) {
                    checks.add(check(report, resolve(p[0], size, sizes), p[1], resolve(p[2], size, sizes)));
                }
            }
            results.add(new Result(claim.text(), checks, combine(checks)));
        }
        return results;
    }

    /** "arch/reg[@size]" with '*' replaced by {@code size}; without a size, the report's only size. */
    private static String resolve(String cell, String size, List<String> sizes) {
        int at = cell.indexOf('@');
        String base = at < 0 ? cell : cell.substring(0, at);
        String s = at < 0 ? (sizes.size() == 1 ? sizes.get(0) : "?") : cell.substring(at + 1);
        return base + "@" + (s.equals("*") ? size : s);
    }

    private Check check(Report report, String left, String op, String right) {
        Map<Long, Double> a = accuracies(report, left);
        Map<Long, Double> b = accuracies(report, right);
        if (a.size() < MIN_RUNS || b.size() < MIN_RUNS) {
            return new Check(left, op, right, a.size(), b.size(), false, mean(a), mean(b), Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, Verdict.NO_DATA);
        }
        List<Long> common = a.keySet().stream().filter(b::containsKey).toList();
        boolean paired = common.size() >= MIN_RUNS;
        double difference;
        double se;
        double df;
        double p;
        if (paired) {
            double[] x = common.stream().mapToDouble(a::get).toArray();
            double[] y = common.stream().mapToDouble(b::get).toArray();
            double[] d = new double[x.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = x[i] - y[i];
            }
            difference = mean(d);
            se = Math.sqrt(variance(d, difference) / d.length);
            df = d.length - 1;
            p = se > 0 ? TTest.withDefaults().pairedTest(x, y).getPValue() : (difference == 0 ? 1 : 0);
        } else {
            double[] x = a.values().stream().mapToDouble(v -> v).toArray();
            double[] y = b.values().stream().mapToDouble(v -> v).toArray();
            difference = mean(x) - mean(y);
            se = Math.sqrt(variance(x, mean(x)) / x.length + variance(y, mean(y)) / y.length);
            TTest.Result r = TTest.withDefaults().with(DataDispersion.HETEROSCEDASTIC).test(x, y);
            df = r.getDegreesOfFreedom();
            p = se > 0 ? r.getPValue() : (difference == 0 ? 1 : 0);
        }
        double t95 = se > 0 ? TDistribution.of(df).inverseCumulativeProbability(1 - ALPHA / 2) : 0;
        double t90 = se > 0 ? TDistribution.of(df).inverseCumulativeProbability(1 - ALPHA) : 0;
        double low = difference - t95 * se;
        double high = difference + t95 * se;
        Verdict verdict;
        if (op.equals("~")) {
            if (difference - t90 * se > -margin && difference + t90 * se < margin) {
                verdict = Verdict.SUPPORTED;
            } else if (low >= margin || high <= -margin) {
                verdict = Verdict.CONTRADICTED;
            } else {
                verdict = Verdict.INCONCLUSIVE;
            }
        } else {
            double sign = op.equals(">") ? 1 : -1;
            if (p < ALPHA && sign * difference > 0) {
                verdict = Verdict.SUPPORTED;
            } else if (p < ALPHA && sign * difference < 0) {
                verdict = Verdict.CONTRADICTED;
            } else {
                verdict = Verdict.INCONCLUSIVE;
            }
        }
        return new Check(left, op, right, paired ? common.size() : a.size(), paired ? common.size() : b.size(), paired,
                mean(a), mean(b), difference, se, p, low, high, verdict);
    }

    private static Verdict combine(List<Check> checks) {
        if (checks.stream().anyMatch(c -> c.verdict() == Verdict.CONTRADICTED)) {
            return Verdict.CONTRADICTED;
        }
        if (checks.stream().anyMatch(c -> c.verdict() == Verdict.NO_DATA)) {
            return Verdict.NO_DATA;
        }
        long supported = checks.stream().filter(c -> c.verdict() == Verdict.SUPPORTED).count();
        if (supported == checks.size()) {
            return Verdict.SUPPORTED;
        }
        return supported > 0 ? Verdict.PARTLY : Verdict.INCONCLUSIVE;
    }

    /** Test accuracy in percent of each evaluated run of the cell "arch/reg@size", by seed. */
    private static Map<Long, Double> accuracies(Report report, String cell) {
        int slash = cell.indexOf('/');
        int at = cell.lastIndexOf('@');
        String architecture = cell.substring(0, slash);
        String regularizer = cell.substring(slash + 1, at);
        String size = cell.substring(at + 1);
        Map<Long, Double> bySeed = new TreeMap<>();
        report.cell(new Report.Row(architecture, size), regularizer).ifPresent(c -> {
            for (RunRecord r : c.runs()) {
                if (r.status() == RunStatus.EVALUATED && r.testAccuracy() != null) {
                    bySeed.put(r.seed(), 100 * r.testAccuracy());
                }
            }
        });
        return bySeed;
    }

    private static double mean(Map<Long, Double> values) {
        return values.isEmpty() ? Double.NaN : values.values().stream().mapToDouble(v -> v).average().orElseThrow();
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    private static double variance(double[] x, double mean) {
        double s = 0;
        for (double v : x) {
            s += (v - mean) * (v - mean);
        }
        return s / (x.length - 1);
    }

    /** "SUPPORTED" as a reader reads it. */
    public static String label(Verdict v) {
        return switch (v) {
            case SUPPORTED -> "supported";
            case PARTLY -> "partly supported";
            case INCONCLUSIVE -> "inconclusive";
            case CONTRADICTED -> "contradicted";
            case NO_DATA -> "not enough runs";
        };
    }
}
