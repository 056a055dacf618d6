package io.gradreg.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimsTest {

    /** Runs of one cell with the given accuracies (percent), seeds 1, 2, ... */
    static List<RunRecord> cell(String architecture, String regularizer, String size, double... accuracies) {
        List<RunRecord> runs = new ArrayList<>();
        for (int i = 0; i < accuracies.length; i++) {
            runs.add(new RunRecord(1, architecture + "/" + regularizer + "/" + size + "#" + i, "e", architecture,
                    regularizer, 1, size, i, 1 + i, 100, RunStatus.EVALUATED, 100, accuracies[i] / 100, 0.1, 0.1, 0.1,
                    1.0, null, 1L, null, "test"));
        }
        return runs;
    }

    static Report report(List<List<RunRecord>> cells) {
        List<RunRecord> runs = new ArrayList<>();
        cells.forEach(runs::addAll);
        return Report.of(1, runs, ExpectedResults.none());
    }

    @Test
    void aPairedDifferenceInTheClaimedDirectionIsSupported() {
        // b is a + 0.3 on every seed, with noise shared by the pair: paired, tiny standard error
        Report report = report(List.of(
                cell("baseline", "none", "200/class", 96.0, 96.5, 96.2, 96.8, 96.1),
                cell("baseline", "spectreg", "200/class", 96.31, 96.79, 96.52, 97.1, 96.38)));
        Claims claims = Claims.parse(List.of("SpectReg helps | baseline/spectreg > baseline/none"), "t");
        Claims.Result r = claims.evaluate(report).get(0);
        assertEquals(Claims.Verdict.SUPPORTED, r.verdict());
        Claims.Check c = r.checks().get(0);
        assertTrue(c.paired());
        assertEquals(5, c.nLeft());
        assertEquals(0.3, c.difference(), 1e-9);
        assertEquals(1.8450130926504173e-06, c.pValue(), 1e-12, "scipy.stats.ttest_rel gives 1.845e-06");
        assertTrue(c.ciLow() > 0.2 && c.ciHigh() < 0.4, c.ciLow() + " " + c.ciHigh());

        Claims reversed = Claims.parse(List.of("none helps | baseline/none > baseline/spectreg"), "t");
        assertEquals(Claims.Verdict.CONTRADICTED, reversed.evaluate(report).get(0).verdict());
    }

    @Test
    void noiseIsInconclusiveAndEquivalenceNeedsAnIntervalInsideTheMargin() {
        Report report = report(List.of(
                cell("dropout", "spectreg", "200/class", 97.7, 97.9, 97.8, 97.6, 97.8, 97.7, 97.9, 97.8),
                cell("dropout", "frobreg", "200/class", 97.8, 97.7, 97.9, 97.7, 97.6, 97.9, 97.8, 97.7),
                cell("dropout", "jacreg", "200/class", 96.0, 98.5, 97.0, 99.0)));
        List<Claims.Result> results = Claims.parse(List.of(
                "margin = 0.3",
                "close | dropout/spectreg ~ dropout/frobreg",
                "noisy | dropout/spectreg ~ dropout/jacreg",
                "better | dropout/spectreg > dropout/frobreg",
                "mixed | dropout/spectreg ~ dropout/frobreg; dropout/spectreg ~ dropout/jacreg"), "t").evaluate(report);
        assertEquals(Claims.Verdict.SUPPORTED, results.get(0).verdict());
        assertEquals(Claims.Verdict.INCONCLUSIVE, results.get(1).verdict());
        assertEquals(Claims.Verdict.INCONCLUSIVE, results.get(2).verdict());
        assertEquals(Claims.Verdict.PARTLY, results.get(3).verdict());
    }

    @Test
    void everySizeIsTestedOneByOneAndMissingCellsAreNamed() {
        List<List<RunRecord>> cells = new ArrayList<>();
        for (String size : List.of("500", "1000")) {
            cells.add(cell("dropout", "doubleback", size, 95.0, 95.2, 95.1));
            cells.add(cell("dropout", "none", size, 94.0, 94.3, 94.1));
        }
        Report report = report(cells);
        Claims.Result every = Claims.parse(List.of("best | dropout/doubleback@* > dropout/none@*"), "t")
                .evaluate(report).get(0);
        assertEquals(2, every.checks().size());
        assertEquals("dropout/doubleback@500", every.checks().get(0).left());
        assertEquals("dropout/none@1000", every.checks().get(1).right());
        assertEquals(Claims.Verdict.SUPPORTED, every.verdict());
        Claims.Result missing = Claims.parse(List.of("cp | dropout/doubleback@500 > dropout/cp@500"), "t")
                .evaluate(report).get(0);
        assertEquals(Claims.Verdict.NO_DATA, missing.verdict());
    }

    @Test
    void malformedLinesNameTheFileAndLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Claims.parse(List.of("# c", "text | baseline/none >> baseline/cp"), "c2.claims"));
        assertTrue(e.getMessage().startsWith("c2.claims:2: 'baseline/none >> baseline/cp' is not"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Claims.parse(List.of("no bar here"), "c2.claims"));
        assertTrue(e.getMessage().startsWith("c2.claims:1: expected 'TEXT | LEFT OP RIGHT'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Claims.parse(List.of("margin = wide"), "c2.claims"));
        assertTrue(e.getMessage().startsWith("c2.claims:1: margin must be a number"), e.getMessage());
    }

    @Test
    void theShippedClaimsFilesParse() {
        for (String job : List.of("c2-dropout-batchnorm", "c4-train-size", "c6-jacobian-norms")) {
            assertTrue(!Claims.read(java.nio.file.Path.of("jobs", job + ".claims")).isEmpty(), job);
        }
    }

    @Test
    void aCellIsComparedWithThePapersNumberByWelchsTest() {
        // ours 97.0 (0.2) n=10 against the paper's 97.5 (0.1), 10 runs
        double[] ours = {96.7, 96.8, 96.9, 97.0, 97.0, 97.0, 97.0, 97.1, 97.2, 97.3};
        Report report = Report.of(1, cell("dropout", "spectreg", "200/class", ours),
                ExpectedResults.parse(List.of("architecture,train_size,regularizer,accuracy,sd",
                        "dropout,200/class,spectreg,97.5,0.1"), "paper.csv"));
        Report.Cell cell = report.cells().get(0);
        PaperComparison vs = cell.vsPaper().orElseThrow();
        double sd = cell.sd();
        double se = Math.sqrt(sd * sd / 10 + 0.01 / 10);
        assertEquals(-0.5, vs.difference(), 1e-9);
        assertEquals(se, vs.standardError(), 1e-12);
        // Welch-Satterthwaite degrees of freedom
        double df = Math.pow(se * se, 2) / (Math.pow(sd * sd / 10, 2) / 9 + Math.pow(0.01 / 10, 2) / 9);
        assertEquals(df, vs.degreesOfFreedom(), 1e-9);
        assertEquals(1.6476494232293193e-06, vs.pValue(), 1e-12, "scipy.stats.ttest_ind_from_stats gives 1.648e-06");
        assertTrue(vs.beyondTwoStandardErrors());
    }
}
