package io.gradreg.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.commons.statistics.descriptive.Median;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.OneWayAnova;

/**
 * What one comparison of a claim shows, before the claim's multiplicity correction: an estimate
 * (a difference in points, or a slope), its standard error and degrees of freedom, the p-value of
 * the test that decides the comparison, a 95% interval, and which way the evidence points.
 *
 * <p>Every p-value comes from Student's t distribution (Apache Commons Statistics) with the stated
 * degrees of freedom; the tests are pinned against R in {@code ClaimsAgainstRTest}.
 *
 * @param direction +1 when a small p shows the claim, -1 when it shows the opposite
 */
record Evidence(double estimate, double standardError, double degreesOfFreedom, double statistic, double pValue,
        double ciLow, double ciHigh, int direction) {

    /**
     * The evidence on "LEFT OP RIGHT" from an estimated difference LEFT − RIGHT.
     *
     * <ul>
     * <li>{@code >} and {@code <}: the two-sided t-test of a zero difference; the evidence points
     * the way of the estimate's sign.</li>
     * <li>{@code ~} (equivalent within ±margin): two tests whose rejections cannot both happen.
     * Equivalence is the two one-sided tests (TOST: the difference is above −margin and below
     * +margin; p is the larger of the two); non-equivalence is the two-sided test that the
     * difference lies beyond the margin on the estimate's side. The smaller p decides; each errs
     * with probability at most α under the hypothesis it would wrongly reject.</li>
     * </ul>
     */
    static Evidence ofDifference(double d, double se, double df, String op, double margin) {
        TDistribution t = TDistribution.of(df);
        double half = se * t.inverseSurvivalProbability(Claims.ALPHA / 2);
        if (op.equals("~")) {
            double tLow = ratio(d + margin, se);
            double tHigh = ratio(d - margin, se);
            double pLow = t.survivalProbability(tLow);
            double pHigh = t.cumulativeProbability(tHigh);
            double pIn = Math.max(pLow, pHigh);
            double tOut = d >= 0 ? tHigh : tLow;
            double pOut = Math.min(1, 2 * (d >= 0 ? t.survivalProbability(tHigh) : t.cumulativeProbability(tLow)));
            return pIn <= pOut
                    ? new Evidence(d, se, df, pLow >= pHigh ? tLow : tHigh, pIn, d - half, d + half, 1)
                    : new Evidence(d, se, df, tOut, pOut, d - half, d + half, -1);
        }
        double claimed = op.equals(">") ? 1 : -1;
        double stat = ratio(d, se);
        double p = Double.isNaN(stat) ? 1 : Math.min(1, 2 * t.survivalProbability(Math.abs(stat)));
        return new Evidence(d, se, df, stat, p, d - half, d + half, claimed * d >= 0 ? 1 : -1);
    }

    /** d / se, with a standard error of 0 (identical differences) read as certainty. */
    private static double ratio(double d, double se) {
        if (se > 0) {
            return d / se;
        }
        return d == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, d);
    }

    /**
     * Holm's step-down adjustment (Holm 1979): the k-th smallest of m p-values is multiplied by
     * m − k + 1, and each adjusted p is at least the one before it in that order. Rejecting every
     * adjusted p below α controls the family-wise error rate at α. Ten lines, so written here:
     * Commons Statistics has no multiple-comparison adjustments; R's {@code p.adjust(method =
     * "holm")} pins it in {@code ClaimsAgainstRTest}.
     */
    static double[] holm(double[] p) {
        int m = p.length;
        int[] order = IntStream.range(0, m).boxed().sorted(Comparator.comparingDouble(i -> p[i]))
                .mapToInt(Integer::intValue).toArray();
        double[] adjusted = new double[m];
        double running = 0;
        for (int k = 0; k < m; k++) {
            running = Math.max(running, Math.min(1, (m - k) * p[order[k]]));
            adjusted[order[k]] = running;
        }
        return adjusted;
    }

    /**
     * The paired differences of two cells at every size, with their within-size variance pooled:
     * s² = Σ_s Σ_i (d_si − d̄_s)² / Σ_s (n_s − 1). It assumes the differences vary as much at every
     * size; {@link #equalVarianceP} is the Brown–Forsythe test of that assumption.
     */
    record Pooled(double variance, double degreesOfFreedom, double equalVarianceP) {

        static Pooled of(List<double[]> differencesBySize) {
            double ss = 0;
            double df = 0;
            List<double[]> deviations = new ArrayList<>();
            for (double[] d : differencesBySize) {
                if (d.length < 2) {
                    continue;
                }
                double mean = Arrays.stream(d).average().orElseThrow();
                ss += Arrays.stream(d).map(v -> (v - mean) * (v - mean)).sum();
                df += d.length - 1;
                double median = Median.withDefaults().evaluate(d);
                deviations.add(Arrays.stream(d).map(v -> Math.abs(v - median)).toArray());
            }
            return new Pooled(df > 0 ? ss / df : Double.NaN, df, brownForsythe(deviations));
        }

        /** The Brown–Forsythe test: one-way ANOVA of the absolute deviations from each group's median. */
        private static double brownForsythe(List<double[]> deviations) {
            if (deviations.size() < 2) {
                return Double.NaN;
            }
            boolean constant = deviations.stream().flatMapToDouble(Arrays::stream).distinct().count() < 2;
            return constant ? 1 : OneWayAnova.withDefaults().test(deviations).getPValue();
        }

        boolean usable() {
            return degreesOfFreedom > 0 && !(equalVarianceP < Claims.ALPHA);
        }
    }

    /**
     * How a paired gain changes with the training size: the slope β of the linear model
     * gain_si = α_seed + β·ln(size_s) + ε (seed as a block: each seed's subsets have their own
     * level), fitted by least squares within seeds, with N − seeds − 1 degrees of freedom. The
     * estimate is reported per doubling of the size (β·ln 2). R: {@code lm(gain ~ factor(seed) +
     * log(size))}.
     *
     * @param points rows of (seed, size, gain)
     * @param claimedSign −1 for "shrinks", +1 for "grows"
     */
    static Evidence trend(List<double[]> points, int claimedSign) {
        var bySeed = points.stream().collect(java.util.stream.Collectors.groupingBy(p -> p[0]));
        double sxx = 0;
        double sxy = 0;
        List<double[]> centred = new ArrayList<>();
        for (List<double[]> seed : bySeed.values()) {
            double mx = seed.stream().mapToDouble(p -> Math.log(p[1])).average().orElseThrow();
            double my = seed.stream().mapToDouble(p -> p[2]).average().orElseThrow();
            for (double[] p : seed) {
                double x = Math.log(p[1]) - mx;
                double y = p[2] - my;
                sxx += x * x;
                sxy += x * y;
                centred.add(new double[] {x, y});
            }
        }
        double df = points.size() - bySeed.size() - 1;
        if (df < 1 || !(sxx > 0)) {
            return null;
        }
        double beta = sxy / sxx;
        double sse = centred.stream().mapToDouble(c -> (c[1] - beta * c[0]) * (c[1] - beta * c[0])).sum();
        double se = Math.sqrt(sse / df / sxx);
        double ln2 = Math.log(2);
        Evidence perLog = ofDifference(beta, se, df, claimedSign > 0 ? ">" : "<", 0);
        return new Evidence(beta * ln2, se * ln2, df, perLog.statistic(), perLog.pValue(), perLog.ciLow() * ln2,
                perLog.ciHigh() * ln2, perLog.direction());
    }
}
