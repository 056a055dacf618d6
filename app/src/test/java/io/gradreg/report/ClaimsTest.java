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
        assertEquals(Claims.Verdict.NOT_SHOWN, results.get(1).verdict());
        assertEquals(Claims.Verdict.NOT_SHOWN, results.get(2).verdict());
        // one comparison shown, the other not: the claim is not shown (there is no "partly")
        Claims.Result mixed = results.get(3);
        assertEquals(Claims.Verdict.NOT_SHOWN, mixed.verdict());
        assertEquals(Claims.Verdict.SUPPORTED, mixed.checks().get(0).verdict());
        assertEquals(Claims.Verdict.NOT_SHOWN, mixed.checks().get(1).verdict());
    }

    @Test
    void holmsCorrectionInsideTheClaimTurnsALoneSmallPIntoNotShown() {
        // a beats b on its own (differences 0.1 0.4 0.05 0.3 0.15: p 0.037); with four comparisons that show
        // nothing (c to f are a plus noise of mean 0), Holm multiplies the smallest p by 5
        Report report = report(List.of(
                cell("dropout", "a", "500", 95.0, 95.6, 95.3, 95.9, 95.2),
                cell("dropout", "b", "500", 94.9, 95.2, 95.25, 95.6, 95.05),
                cell("dropout", "c", "500", 95.5, 95.0, 95.7, 95.6, 95.3),
                cell("dropout", "d", "500", 94.6, 96.1, 95.1, 96.2, 95.1),
                cell("dropout", "e", "500", 95.3, 95.4, 95.9, 95.4, 95.1),
                cell("dropout", "f", "500", 94.4, 96.0, 95.4, 96.4, 94.9)));
        Claims.Result alone = Claims.parse(List.of("x | dropout/a > dropout/b"), "t").evaluate(report).get(0);
        assertTrue(alone.checks().get(0).pValue() < 0.05, "raw p " + alone.checks().get(0).pValue());
        assertEquals(Claims.Verdict.SUPPORTED, alone.verdict());
        Claims.Result best = Claims.parse(List.of("a is best | dropout/a > *"), "t").evaluate(report).get(0);
        assertEquals(List.of("dropout/b@500", "dropout/c@500", "dropout/d@500", "dropout/e@500", "dropout/f@500"),
                best.checks().stream().map(Claims.Check::right).toList(), "'*' is every other cell of the size");
        Claims.Check vsB = best.checks().get(0);
        assertEquals(alone.checks().get(0).pValue(), vsB.pValue(), 1e-15);
        assertTrue(vsB.adjustedP() >= 0.05, "Holm-adjusted p " + vsB.adjustedP());
        assertEquals(Claims.Verdict.NOT_SHOWN, vsB.verdict());
        assertEquals(Claims.Verdict.NOT_SHOWN, best.verdict());
    }

    @Test
    void holmMatchesTheStepDownDefinition() {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
        double[] adjusted = Evidence.holm(new double[] {0.01, 0.04, 0.03, 0.005});
        assertEquals(0.03, adjusted[0], 1e-15);
        assertEquals(0.06, adjusted[1], 1e-15);
        assertEquals(0.06, adjusted[2], 1e-15);
        assertEquals(0.02, adjusted[3], 1e-15);
    }

    @Test
    void aTrendIsTheSlopeOfTheGainsAgainstLogSize() {
        // gains 1.0, 0.6, 0.2 at 500, 1000, 2000 fall by 0.4 per doubling on each seed (seed levels differ)
        List<List<RunRecord>> cells = new ArrayList<>();
        double[][] gains = {{1.0, 0.6, 0.2}, {1.1, 0.7, 0.3}, {0.9, 0.5, 0.1}};
        String[] sizes = {"500", "1000", "2000"};
        for (int s = 0; s < 3; s++) {
            double[] none = {95.0 + s, 95.2 + s, 95.1 + s, 95.3 + s};
            double[] reg = new double[4];
            for (int i = 0; i < 4; i++) {
                reg[i] = none[i] + gains[i % 3][s] + (i == 3 ? 0.05 * (s - 1) : 0);
            }
            cells.add(cell("dropout", "none", sizes[s], none));
            cells.add(cell("dropout", "doubleback", sizes[s], reg));
        }
        Claims.Check c = Claims.parse(List.of("helps most with little data | dropout/doubleback - dropout/none shrinks"),
                "t").evaluate(report(cells)).get(0).checks().get(0);
        assertEquals("trend", c.test());
        assertEquals(12, c.nLeft());
        assertEquals(3, c.nRight());
        assertTrue(Math.abs(c.difference() + 0.4) < 0.02, "slope per doubling " + c.difference());
        assertEquals(12 - 4 - 1, c.degreesOfFreedom(), "points - seeds - 1");
        assertEquals(Claims.Verdict.SUPPORTED, c.verdict());
        Claims.Check grows = Claims.parse(List.of("x | dropout/doubleback - dropout/none grows"), "t")
                .evaluate(report(cells)).get(0).checks().get(0);
        assertEquals(Claims.Verdict.CONTRADICTED, grows.verdict());
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
        e = assertThrows(IllegalArgumentException.class, () -> Claims.parse(List.of("model = pooled"), "c4.claims"));
        assertEquals("c4.claims:1: model must be 'per-size' or 'pooled-over-sizes', was 'pooled'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Claims.parse(List.of("x | dropout/a ~ *"), "c6.claims"));
        assertTrue(e.getMessage().startsWith("c6.claims:1: 'dropout/a ~ *' is not"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Claims.parse(List.of("x | dropout/a@500 - dropout/b shrinks"), "c4.claims"));
        assertTrue(e.getMessage().startsWith("c4.claims:1: 'dropout/a@500 - dropout/b shrinks' is not"), e.getMessage());
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
