package io.gradreg.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.statistics.inference.DataDispersion;
import org.apache.commons.statistics.inference.TTest;

/**
 * The paper's qualitative claims as tested comparisons between cells of a report, read from a
 * claims file next to the job (job property {@code claims}):
 *
 * <pre>
 * # comment
 * margin = 0.3                          (points; for '~', default 0.3)
 * model = per-size                      (or pooled-over-sizes; default per-size)
 * TEXT | COMPARISON [; COMPARISON ...]
 * </pre>
 *
 * A cell is {@code ARCHITECTURE/REGULARIZER}, optionally {@code @SIZE} (e.g. {@code @5000} or
 * {@code @200/class}); {@code @*} repeats the comparison at every training size of the report. A
 * comparison is one of
 * <ul>
 * <li>{@code LEFT OP RIGHT}, OP {@code >} (LEFT more accurate), {@code <}, or {@code ~}
 * (equivalent within ±margin);</li>
 * <li>{@code LEFT > *} ("best"): LEFT against every other cell of its size ({@code LEFT < *}:
 * worst; {@code ARCH/*} instead of {@code *}: every other cell of that architecture);</li>
 * <li>{@code LEFT - RIGHT shrinks} (or {@code grows}): the paired gain LEFT − RIGHT falls (rises)
 * as the training size grows ({@link Evidence#trend}).</li>
 * </ul>
 * Any comparison may end with {@code [MEASURE]}: it then compares that robustness measure
 * (io.gradreg.robustness.Measure, e.g. {@code [fgsm@0.1]} in percent, {@code [gradnorm]}, where
 * smaller is more robust: claim it with {@code <}) instead of test accuracy.
 *
 * <p>A comparison needs at least {@link #MIN_RUNS} evaluated runs in each cell. It is a t-test of the
 * difference in test accuracy (points): paired over the seeds both cells ran (run i of every cell
 * trains on the same subset), else Welch's; with {@code model = pooled-over-sizes} the paired
 * differences' variance is pooled over all sizes of the two regularizers ({@link Evidence.Pooled}),
 * unless the Brown–Forsythe test rejects equal variances, when that pair falls back to per size.
 * What each comparison shows is in {@link Evidence#ofDifference}.
 *
 * <p>Each claim is a family: its comparisons' p-values are adjusted by Holm's step-down method, and
 * the verdicts use the adjusted p (family-wise error rate 0.05, see {@link #RULE}).
 */
public final class Claims {

    public static final double ALPHA = 0.05;

    /** Fewer runs per cell than this give no verdict (with two, a standard error of 0 is common). */
    public static final int MIN_RUNS = 3;

    /** The decision rule, as the reports state it. */
    public static final String RULE = "Each claim is a family of comparisons whose p-values are adjusted by Holm's "
            + "step-down method (family-wise error rate 0.05): a claim is supported when every comparison is shown "
            + "in the claimed direction (or, for ~, equivalent within the margin) at adjusted p < 0.05, "
            + "contradicted when at least one is shown against it, and not shown otherwise.";

    public enum Verdict { SUPPORTED, NOT_SHOWN, CONTRADICTED, NO_DATA }

    /** How comparisons at one training size estimate their variance. */
    public enum Model {
        PER_SIZE("per-size"), POOLED_OVER_SIZES("pooled-over-sizes");

        final String label;

        Model(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One claim as written: its text and its comparisons (cells unresolved). */
    public record Claim(String text, List<String> comparisons) {
    }

    /**
     * One tested comparison. Differences and intervals in percentage points; for a trend, the
     * change of the gain per doubling of the training size. {@code test} is {@code paired},
     * {@code welch}, {@code pooled} or {@code trend}; {@code equalVarianceP} is the Brown–Forsythe
     * p of a pooled comparison (NaN otherwise). {@code measure} is the robustness measure compared
     * (in its report units), or null for test accuracy.
     */
    public record Check(String left, String op, String right, int nLeft, int nRight, String test, double meanLeft,
            double meanRight, double difference, double standardError, double degreesOfFreedom, double statistic,
            double pValue, double adjustedP, double ciLow, double ciHigh, double equalVarianceP, Verdict verdict,
            String measure) {

        public boolean paired() {
            return !test.equals("welch");
        }
    }

    /** A claim with its checks and verdict. */
    public record Result(String text, List<Check> checks, Verdict verdict) {
    }

    private final List<Claim> claims;
    private final double margin;
    private final Model model;

    private Claims(List<Claim> claims, double margin, Model model) {
        this.claims = List.copyOf(claims);
        this.margin = margin;
        this.model = model;
    }

    public static Claims none() {
        return new Claims(List.of(), 0.3, Model.PER_SIZE);
    }

    public double margin() {
        return margin;
    }

    public Model model() {
        return model;
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
        Model model = Model.PER_SIZE;
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
                if (!(margin > 0) || Double.isInfinite(margin)) {
                    throw new IllegalArgumentException(at + "margin must be a positive number of points");
                }
                continue;
            }
            if (line.startsWith("model") && line.contains("=") && !line.contains("|")) {
                String value = line.substring(line.indexOf('=') + 1).strip();
                model = Arrays.stream(Model.values()).filter(m -> m.label.equals(value)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(at + "model must be 'per-size' or "
                                + "'pooled-over-sizes', was '" + value + "'"));
                continue;
            }
            int bar = line.indexOf('|');
            if (bar <= 0 || bar == line.length() - 1) {
                throw new IllegalArgumentException(at + "expected 'TEXT | LEFT OP RIGHT', e.g. "
                        + "'DoubleBack helps | baseline/doubleback > baseline/none'");
            }
            List<String> comparisons = new ArrayList<>();
            for (String c : line.substring(bar + 1).split(";")) {
                String measure = measureOf(c.strip(), at);
                String[] parts = (measure == null ? c.strip() : c.strip().substring(0, c.strip().lastIndexOf('[')).strip())
                        .split("\\s+");
                if (!isComparison(parts) && !isTrend(parts)) {
                    throw new IllegalArgumentException(at + "'" + c.strip() + "' is not 'ARCH/REGULARIZER[@SIZE] OP "
                            + "ARCH/REGULARIZER[@SIZE]' with OP one of >, <, ~ (or '> *' for best, "
                            + "'ARCH/REG - ARCH/REG shrinks' for a trend)");
                }
                comparisons.add(String.join(" ", parts) + (measure == null ? "" : " [" + measure + "]"));
            }
            claims.add(new Claim(line.substring(0, bar).strip(), comparisons));
        }
        return new Claims(claims, margin, model);
    }

    /** The measure of a comparison ending in {@code [MEASURE]}, canonical, or null. */
    private static String measureOf(String comparison, String at) {
        if (!comparison.endsWith("]") || comparison.lastIndexOf('[') < 0) {
            return null;
        }
        String name = comparison.substring(comparison.lastIndexOf('[') + 1, comparison.length() - 1).strip();
        try {
            return io.gradreg.robustness.Measure.parse(name).name();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + e.getMessage());
        }
    }

    private static boolean isComparison(String[] p) {
        return p.length == 3 && List.of(">", "<", "~").contains(p[1]) && p[0].contains("/")
                && (p[2].contains("/") || p[2].equals("*")) && !(p[2].endsWith("*") && p[1].equals("~"));
    }

    private static boolean isTrend(String[] p) {
        return p.length == 4 && p[1].equals("-") && List.of("shrinks", "grows").contains(p[3]) && p[0].contains("/")
                && p[2].contains("/") && !p[0].contains("@") && !p[2].contains("@");
    }

    /** Tests every claim against the report's evaluated runs. */
    public List<Result> evaluate(Report report) {
        Map<String, Evidence.Pooled> pools = new HashMap<>();
        List<Result> results = new ArrayList<>();
        for (Claim claim : claims) {
            List<Check> raw = new ArrayList<>();
            for (String comparison : claim.comparisons()) {
                String[] p = comparison.split(" ");
                String measure = p[p.length - 1].startsWith("[") ? p[p.length - 1].substring(1, p[p.length - 1].length() - 1)
                        : null;
                if (measure != null) {
                    p = Arrays.copyOf(p, p.length - 1);
                }
                Cells cells = new Cells(report, measure);
                if (p.length == 4) {
                    raw.add(trend(cells, p[0], p[2], p[3], measure));
                    continue;
                }
                boolean everySize = p[0].endsWith("@*") || p[2].endsWith("@*");
                for (String size : everySize ? cells.sizes : List.of("")) {
                    String left = cells.resolve(p[0], size);
                    for (String right : cells.rivals(left, p[2], size)) {
                        raw.add(check(cells, pools, left, p[1], right, measure));
                    }
                }
            }
            List<Check> checks = adjust(raw);
            results.add(new Result(claim.text(), checks, combine(checks)));
        }
        return results;
    }

    /** Holm's adjustment over the claim's tested comparisons, then each comparison's verdict. */
    private static List<Check> adjust(List<Check> raw) {
        List<Check> tested = raw.stream().filter(c -> c.verdict() != Verdict.NO_DATA).toList();
        double[] adjusted = Evidence.holm(tested.stream().mapToDouble(Check::pValue).toArray());
        List<Check> checks = new ArrayList<>();
        for (Check c : raw) {
            int i = tested.indexOf(c);
            if (i < 0) {
                checks.add(c);
                continue;
            }
            Verdict verdict = adjusted[i] >= ALPHA ? Verdict.NOT_SHOWN
                    : c.verdict() == Verdict.SUPPORTED ? Verdict.SUPPORTED : Verdict.CONTRADICTED;
            checks.add(new Check(c.left(), c.op(), c.right(), c.nLeft(), c.nRight(), c.test(), c.meanLeft(),
                    c.meanRight(), c.difference(), c.standardError(), c.degreesOfFreedom(), c.statistic(), c.pValue(),
                    adjusted[i], c.ciLow(), c.ciHigh(), c.equalVarianceP(), verdict, c.measure()));
        }
        return checks;
    }

    /**
     * One comparison before adjustment; its verdict field carries the direction of the evidence
     * (SUPPORTED: towards the claim, CONTRADICTED: against it), or NO_DATA.
     */
    private Check check(Cells cells, Map<String, Evidence.Pooled> pools, String left, String op, String right,
            String measure) {
        Map<Long, Double> a = cells.accuracies(left);
        Map<Long, Double> b = cells.accuracies(right);
        if (a.size() < MIN_RUNS || b.size() < MIN_RUNS) {
            return new Check(left, op, right, a.size(), b.size(), "paired", mean(a.values()), mean(b.values()),
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Verdict.NO_DATA, measure);
        }
        List<Long> common = a.keySet().stream().filter(b::containsKey).toList();
        int nLeft = a.size();
        int nRight = b.size();
        String test;
        double difference;
        double se;
        double df;
        double equalVarianceP = Double.NaN;
        if (common.size() >= MIN_RUNS) {
            double[] d = common.stream().mapToDouble(s -> a.get(s) - b.get(s)).toArray();
            nLeft = d.length;
            nRight = d.length;
            difference = mean(d);
            Evidence.Pooled pooled = model == Model.POOLED_OVER_SIZES && Cells.size(left).equals(Cells.size(right))
                    ? pools.computeIfAbsent(Cells.base(left) + " " + Cells.base(right) + " " + measure,
                            k -> cells.pool(left, right))
                    : null;
            if (pooled != null && pooled.usable()) {
                test = "pooled";
                se = Math.sqrt(pooled.variance() / d.length);
                df = pooled.degreesOfFreedom();
                equalVarianceP = pooled.equalVarianceP();
            } else {
                test = "paired";
                se = Math.sqrt(variance(d) / d.length);
                df = d.length - 1;
                equalVarianceP = pooled == null ? Double.NaN : pooled.equalVarianceP();
            }
        } else {
            double[] x = a.values().stream().mapToDouble(v -> v).toArray();
            double[] y = b.values().stream().mapToDouble(v -> v).toArray();
            test = "welch";
            difference = mean(x) - mean(y);
            se = Math.sqrt(variance(x) / x.length + variance(y) / y.length);
            df = TTest.withDefaults().with(DataDispersion.HETEROSCEDASTIC).test(x, y).getDegreesOfFreedom();
        }
        Evidence e = Evidence.ofDifference(difference, se, df, op, margin);
        return new Check(left, op, right, nLeft, nRight, test, mean(a.values()), mean(b.values()), difference, se, df,
                e.statistic(), e.pValue(), Double.NaN, e.ciLow(), e.ciHigh(), equalVarianceP,
                e.direction() > 0 ? Verdict.SUPPORTED : Verdict.CONTRADICTED, measure);
    }

    /** "LEFT - RIGHT shrinks|grows": the slope of the paired gains against ln(size), seed as a block. */
    private static Check trend(Cells cells, String left, String right, String way, String measure) {
        List<double[]> points = new ArrayList<>();
        for (String size : cells.sizes) {
            Map<Long, Double> a = cells.accuracies(left + "@" + size);
            Map<Long, Double> b = cells.accuracies(right + "@" + size);
            a.forEach((seed, acc) -> {
                if (b.containsKey(seed)) {
                    points.add(new double[] {seed, Cells.examples(size), acc - b.get(seed)});
                }
            });
        }
        long sizes = points.stream().mapToDouble(p -> p[1]).distinct().count();
        Evidence e = sizes >= 2 ? Evidence.trend(points, way.equals("grows") ? 1 : -1) : null;
        if (e == null) {
            return new Check(left + " - " + right, way, "", points.size(), (int) sizes, "trend", Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Verdict.NO_DATA, measure);
        }
        return new Check(left + " - " + right, way, "", points.size(), (int) sizes, "trend", Double.NaN, Double.NaN,
                e.estimate(), e.standardError(), e.degreesOfFreedom(), e.statistic(), e.pValue(), Double.NaN,
                e.ciLow(), e.ciHigh(), Double.NaN, e.direction() > 0 ? Verdict.SUPPORTED : Verdict.CONTRADICTED,
                measure);
    }

    private static Verdict combine(List<Check> checks) {
        if (checks.stream().anyMatch(c -> c.verdict() == Verdict.CONTRADICTED)) {
            return Verdict.CONTRADICTED;
        }
        if (checks.isEmpty() || checks.stream().anyMatch(c -> c.verdict() == Verdict.NO_DATA)) {
            return Verdict.NO_DATA;
        }
        return checks.stream().allMatch(c -> c.verdict() == Verdict.SUPPORTED) ? Verdict.SUPPORTED
                : Verdict.NOT_SHOWN;
    }

    private static double mean(java.util.Collection<Double> values) {
        return values.isEmpty() ? Double.NaN : values.stream().mapToDouble(v -> v).average().orElseThrow();
    }

    private static double mean(double[] x) {
        return Arrays.stream(x).average().orElse(Double.NaN);
    }

    private static double variance(double[] x) {
        return org.apache.commons.statistics.descriptive.Variance.of(x).getAsDouble();
    }

    /** "SUPPORTED" as a reader reads it. */
    public static String label(Verdict v) {
        return switch (v) {
            case SUPPORTED -> "supported";
            case NOT_SHOWN -> "not shown";
            case CONTRADICTED -> "contradicted";
            case NO_DATA -> "not enough runs";
        };
    }
}
