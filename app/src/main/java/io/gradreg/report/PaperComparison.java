package io.gradreg.report;

import java.util.Optional;
import org.apache.commons.statistics.inference.DataDispersion;
import org.apache.commons.statistics.inference.TTest;

/**
 * One cell of ours against a published mean (sd) over {@code n} runs: the difference, its standard
 * error from both standard deviations and run counts, and the two-sided p-value of Welch's t-test
 * (unequal variances), computed from the summary statistics by Apache Commons Statistics.
 */
public record PaperComparison(double difference, double standardError, double degreesOfFreedom, double pValue) {

    /** Runs behind each of the paper's numbers ("an individual experiment consists of 10 runs"). */
    public static final int PAPER_RUNS = 10;

    private static final TTest WELCH = TTest.withDefaults().with(DataDispersion.HETEROSCEDASTIC);

    /** Whether the difference exceeds two standard errors (the cells a reader should look at). */
    public boolean beyondTwoStandardErrors() {
        return Math.abs(difference) > 2 * standardError;
    }

    /** Empty unless the cell has at least two evaluated runs and the reference has a number. */
    public static Optional<PaperComparison> of(Report.Cell cell, ExpectedResults.Expected reference, int referenceRuns) {
        if (reference == null || cell.mean() == null || cell.sd() == null || cell.evaluated() < 2) {
            return Optional.empty();
        }
        double ours = cell.sd() * cell.sd();
        double theirs = reference.sd() * reference.sd();
        double se = Math.sqrt(ours / cell.evaluated() + theirs / referenceRuns);
        double difference = cell.mean() - reference.accuracy();
        if (!(se > 0)) {
            return Optional.of(new PaperComparison(difference, 0, Double.NaN, difference == 0 ? 1 : 0));
        }
        TTest.Result r = WELCH.test(cell.mean(), ours, cell.evaluated(), reference.accuracy(), theirs, referenceRuns);
        return Optional.of(new PaperComparison(difference, se, r.getDegreesOfFreedom(), r.getPValue()));
    }
}
