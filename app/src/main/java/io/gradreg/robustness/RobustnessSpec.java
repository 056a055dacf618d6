package io.gradreg.robustness;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What the evaluation measures besides clean test accuracy: job property {@code robustness}, a
 * space-separated list of items
 *
 * <pre>
 *   fgsm:E1,E2,...   accuracy under FGSM at each L-infinity radius E (pixel scale [0, 1])
 *   pgd:E1,...       accuracy under PGD (10 steps of E/4, random start) at each radius E
 *   noise:S1,...     accuracy under Gaussian noise of standard deviation S (pixel scale)
 *   gradnorm         mean ||d loss / d x||_2 and ||d z / d x||_F on test images and off-data points
 * </pre>
 *
 * e.g. {@code fgsm:0.05,0.1 pgd:0.1 noise:0.3 gradnorm}; {@code none} (or no property) measures
 * nothing. Radii and deviations are listed in increasing order in {@link #text()}, the canonical
 * form stored with the plan.
 */
public record RobustnessSpec(List<Double> fgsm, List<Double> pgd, List<Double> noise, boolean gradnorm) {

    /** The job property. */
    public static final String PROPERTY = "robustness";

    /** Nothing besides clean accuracy. */
    public static final RobustnessSpec NONE = new RobustnessSpec(List.of(), List.of(), List.of(), false);

    private static final String SYNTAX = "write e.g. 'fgsm:0.05,0.1 pgd:0.1 noise:0.3 gradnorm' (radii and "
            + "deviations on the [0, 1] pixel scale) or 'none'";

    public RobustnessSpec {
        fgsm = sorted(fgsm);
        pgd = sorted(pgd);
        noise = sorted(noise);
    }

    /**
     * Parses the property's value; an IllegalArgumentException's message says what is wrong and
     * how to write it (without naming the property: the caller does).
     */
    public static RobustnessSpec parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.equals("none")) {
            return NONE;
        }
        List<Double> fgsm = new ArrayList<>();
        List<Double> pgd = new ArrayList<>();
        List<Double> noise = new ArrayList<>();
        boolean gradnorm = false;
        TreeSet<String> seen = new TreeSet<>();
        for (String item : t.split("\\s+")) {
            int colon = item.indexOf(':');
            String kind = colon < 0 ? item : item.substring(0, colon);
            if (!seen.add(kind)) {
                throw new IllegalArgumentException("'" + kind + "' is listed twice; list all its values once, "
                        + "separated by commas, e.g. 'fgsm:0.05,0.1'");
            }
            switch (kind) {
                case "gradnorm" -> {
                    if (colon >= 0) {
                        throw new IllegalArgumentException("'gradnorm' takes no values, was '" + item + "'; " + SYNTAX);
                    }
                    gradnorm = true;
                }
                case "fgsm", "pgd", "noise" -> {
                    if (colon < 0 || colon == item.length() - 1) {
                        throw new IllegalArgumentException("'" + kind + "' needs its values, e.g. '" + kind + ":0.1'; "
                                + SYNTAX);
                    }
                    List<Double> into = kind.equals("fgsm") ? fgsm : kind.equals("pgd") ? pgd : noise;
                    for (String value : item.substring(colon + 1).split(",", -1)) {
                        double v = value(kind, value);
                        if (into.contains(v)) {
                            throw new IllegalArgumentException("'" + kind + "' lists " + value + " twice");
                        }
                        into.add(v);
                    }
                }
                case "none" -> throw new IllegalArgumentException("'none' cannot be combined with other items; " + SYNTAX);
                default -> throw new IllegalArgumentException("unknown item '" + item + "'; " + SYNTAX);
            }
        }
        return new RobustnessSpec(fgsm, pgd, noise, gradnorm);
    }

    private static double value(String kind, String text) {
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + kind + "' value '" + text + "' is not a number; " + SYNTAX);
        }
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("'" + kind + "' value " + text + " is outside [0, 1] (pixels are "
                    + "scaled to [0, 1], so a radius of 8/255 is 0.0314)");
        }
        return v;
    }

    private static List<Double> sorted(List<Double> values) {
        return values.stream().sorted().distinct().toList();
    }

    /** Whether nothing beyond clean accuracy is measured. */
    public boolean isEmpty() {
        return fgsm.isEmpty() && pgd.isEmpty() && noise.isEmpty() && !gradnorm;
    }

    /** The canonical text: parses to this spec. */
    public String text() {
        if (isEmpty()) {
            return "none";
        }
        List<String> items = new ArrayList<>();
        add(items, "fgsm", fgsm);
        add(items, "pgd", pgd);
        add(items, "noise", noise);
        if (gradnorm) {
            items.add("gradnorm");
        }
        return String.join(" ", items);
    }

    private static void add(List<String> items, String kind, List<Double> values) {
        if (!values.isEmpty()) {
            items.add(kind + ":" + String.join(",", values.stream().map(RobustnessSpec::format).toList()));
        }
    }

    /** The names of the measures this spec produces, in report order ({@link Measure}). */
    public List<String> measures() {
        List<String> names = new ArrayList<>();
        fgsm.forEach(e -> names.add(Measure.FGSM + "@" + format(e)));
        pgd.forEach(e -> names.add(Measure.PGD + "@" + format(e)));
        noise.forEach(s -> names.add(Measure.NOISE + "@" + format(s)));
        if (gradnorm) {
            names.addAll(Measure.NORMS);
        }
        if (!isEmpty()) {
            names.add(Measure.SECONDS);
        }
        return names;
    }

    /** A radius as measure names spell it: shortest decimal, no exponent ("0.1", "0.0314"). */
    public static String format(double value) {
        BigDecimal d = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }
}
