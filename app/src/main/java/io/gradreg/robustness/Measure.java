package io.gradreg.robustness;

import java.util.Comparator;
import java.util.List;

/**
 * Names of the per-run measures of {@link RobustnessSpec}, as stored, reported and claimed:
 *
 * <pre>
 *   fgsm@E               fraction of test images classified correctly clean and under FGSM at radius E
 *   pgd@E                ... clean, under FGSM at E and under PGD at E (the per-image worst case)
 *   noise@S              ... clean and with Gaussian noise of deviation S added
 *   gradnorm             mean over test images of ||d loss_i / d x_i||_2 (loss_i: image i's cross-entropy)
 *   jacobian             mean over test images of ||d z_i / d x_i||_F (z: the 10 logits)
 *   gradnorm@noise, jacobian@noise        the same at uniform-noise images (loss at the predicted class)
 *   gradnorm@midpoint, jacobian@midpoint  the same at midpoints of test images of different classes
 *   robustness-seconds   wall time of the robustness evaluation of the run
 * </pre>
 *
 * @param kind the part before '@'
 * @param parameter the radius or deviation after '@', or null
 */
public record Measure(String kind, Double parameter) {

    public static final String FGSM = "fgsm";
    public static final String PGD = "pgd";
    public static final String NOISE = "noise";
    public static final String GRADNORM = "gradnorm";
    public static final String JACOBIAN = "jacobian";
    public static final String SECONDS = "robustness-seconds";
    /** The norm measures of {@code gradnorm}, in report order. */
    public static final List<String> NORMS = List.of(GRADNORM, JACOBIAN, GRADNORM + "@noise", JACOBIAN + "@noise",
            GRADNORM + "@midpoint", JACOBIAN + "@midpoint");

    /** Parses a measure name; IllegalArgumentException says which names exist. */
    public static Measure parse(String name) {
        if (NORMS.contains(name) || name.equals(SECONDS)) {
            return new Measure(name, null);
        }
        int at = name.indexOf('@');
        String kind = at < 0 ? name : name.substring(0, at);
        if (at > 0 && (kind.equals(FGSM) || kind.equals(PGD) || kind.equals(NOISE))) {
            try {
                double p = Double.parseDouble(name.substring(at + 1));
                if (p >= 0 && p <= 1) {
                    return new Measure(kind, p);
                }
            } catch (NumberFormatException e) {
                // below
            }
        }
        throw new IllegalArgumentException("unknown measure '" + name + "'; measures are fgsm@E, pgd@E, noise@S "
                + "(as the job's 'robustness' property lists them), " + String.join(", ", NORMS) + " and " + SECONDS);
    }

    /** The canonical name ("fgsm@0.1" for "fgsm@0.10"). */
    public String name() {
        return parameter == null ? kind : kind + "@" + RobustnessSpec.format(parameter);
    }

    /** An accuracy (larger is more robust), as opposed to a norm or a time. */
    public boolean isAccuracy() {
        return kind.equals(FGSM) || kind.equals(PGD) || kind.equals(NOISE);
    }

    /** Report order: accuracies by kind and parameter, then the norms, then the time. */
    public static final Comparator<String> ORDER = Comparator.comparingInt(Measure::rank)
            .thenComparing(n -> parse(n).parameter() == null ? 0 : parse(n).parameter());

    private static int rank(String name) {
        Measure m = parse(name);
        return switch (m.kind()) {
            case FGSM -> 0;
            case PGD -> 1;
            case NOISE -> 2;
            case SECONDS -> 100;
            default -> 10 + NORMS.indexOf(name);
        };
    }
}
