package io.gradreg.plan;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.StandardDeviation;

/**
 * Chooses a regularizer's weight from a grid by validation accuracy, never by test accuracy.
 *
 * <ul>
 * <li>{@code best-mean}: the weight with the highest mean validation accuracy over the seeds (a
 * tie goes to the larger weight);</li>
 * <li>{@code one-se}: the largest weight whose mean is within one standard error (sd/√n of the
 * best weight's runs) of the best mean, the "one-standard-error rule" (Breiman et al. 1984;
 * Hastie, Tibshirani and Friedman, §7.10): the strongest regularization the data cannot tell
 * apart from the best.</li>
 * </ul>
 *
 * Only weights with a validation accuracy for every seed of the grid compete (a weight with a
 * diverged run is out, and the selection says so), so that the means are over the same subsets.
 */
public final class WeightSelection {

    /** The declared selection rule of a sweep (job property {@code select}). */
    public enum Rule {
        BEST_MEAN("best-mean"), ONE_SE("one-se");

        private final String label;

        Rule(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Rule parse(String text) {
            return Arrays.stream(values()).filter(r -> r.label.equals(text.strip())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("select must be 'best-mean' or 'one-se', was '"
                            + text + "'"));
        }
    }

    /** One weight of the grid: its validation accuracies (percent), one per seed that finished. */
    public record Point(double weight, double[] accuracies, int runs) {

        public double mean() {
            return accuracies.length == 0 ? Double.NaN : Mean.of(accuracies).getAsDouble();
        }

        public double sd() {
            return accuracies.length < 2 ? Double.NaN : StandardDeviation.of(accuracies).getAsDouble();
        }

        public double standardError() {
            return sd() / Math.sqrt(accuracies.length);
        }

        /** Whether every planned run of this weight has a validation accuracy. */
        public boolean complete() {
            return accuracies.length == runs && runs > 0;
        }
    }

    /** The chosen weight, the rule, and the weights left out for missing runs. */
    public record Selected(double weight, Rule rule, Point best, List<Double> incomplete) {

        public String describe() {
            return String.format(Locale.ROOT, "%s: weight %s (best mean %.2f at %s, sd %.2f, n %d)", rule.label(),
                    plain(weight), best.mean(), plain(best.weight()), best.sd(), best.accuracies().length);
        }

        private static String plain(double v) {
            return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
        }
    }

    private WeightSelection() {
    }

    /** The weight {@code rule} selects from {@code grid}; empty when no weight has all its runs. */
    public static Optional<Selected> select(List<Point> grid, Rule rule) {
        List<Point> complete = grid.stream().filter(Point::complete).toList();
        List<Double> incomplete = grid.stream().filter(p -> !p.complete()).map(Point::weight).toList();
        if (complete.isEmpty()) {
            return Optional.empty();
        }
        Comparator<Point> byMeanThenWeight = Comparator.comparingDouble(Point::mean)
                .thenComparingDouble(Point::weight);
        Point best = complete.stream().max(byMeanThenWeight).orElseThrow();
        double chosen = best.weight();
        if (rule == Rule.ONE_SE) {
            double floor = best.mean() - (Double.isNaN(best.standardError()) ? 0 : best.standardError());
            chosen = complete.stream().filter(p -> p.mean() >= floor).mapToDouble(Point::weight).max().orElseThrow();
        }
        return Optional.of(new Selected(chosen, rule, best, incomplete));
    }
}
