package io.gradreg.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.gradreg.store.Validations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sweep's report section from its runs, validations and selection, and claims on the selected cell. */
class SweepSectionTest {

    private static final double[] GRID = {0.003, 0.03, 0.3};

    private static List<RunRecord> runs() {
        List<RunRecord> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(HtmlReportTest.run("dropout", "none", "200/class", i, RunStatus.EVALUATED, 0.960 + 0.001 * i, null));
            for (int w = 0; w < GRID.length; w++) {
                runs.add(HtmlReportTest.run("dropout", io.gradreg.store.Cell.gridLabel("spectreg", GRID[w]), "200/class", i,
                        RunStatus.EVALUATED, 0.965 + 0.004 * w - 0.006 * (w / 2) + 0.001 * i, null));
            }
        }
        return runs;
    }

    private static List<Validations.Validation> validations(List<RunRecord> runs) {
        return runs.stream().map(r -> new Validations.Validation(r.runKey(), r.testAccuracy() - 0.01, 0.1, 1000)).toList();
    }

    @Test
    void theGridTheSelectionAndTheTestAccuracyAtItAndAtTheJobsWeight() {
        List<RunRecord> runs = runs();
        SweepSection sweep = SweepSection.of("best-mean", 1000, runs, validations(runs), List.of(
                new Validations.Selection("dropout/spectreg/200/class", "best-mean", 0.03, "best", Instant.EPOCH)),
                Map.of("dropout/spectreg/200/class", 0.3));
        assertEquals(1, sweep.groups().size(), "none has no grid: not a group of the sweep");
        SweepSection.Group g = sweep.groups().get(0);
        assertEquals(List.of(0.003, 0.03, 0.3), g.grid().stream().map(SweepSection.Point::weight).toList());
        assertEquals(0.03, g.selected().orElseThrow().weight());
        assertEquals(0.3, g.atReference().orElseThrow().weight());
        // validation 96.9 + (0, 1, 2)/10 - 1 over seeds: mean 96.0 at 0.03
        assertEquals(96.0, g.selected().orElseThrow().validation().mean(), 1e-9);
        assertEquals(97.0, g.selected().orElseThrow().test().mean(), 1e-9);
        assertEquals(3, g.selected().orElseThrow().test().n());
        String md = SweepWriter.markdown(sweep);
        assertTrue(md.contains("| 0.03 (selected) | 96.00 (0.10) | 3/3 | 97.00 (0.10) |"), md);
        assertTrue(md.contains("Test accuracy at the selected weight 0.03: 97.00 (0.10), n 3; at the job's weight 0.3"), md);
        assertTrue(SweepWriter.csv(sweep).lines().anyMatch(l -> l.startsWith("dropout,200/class,spectreg,0.03,true,false,")));
        assertTrue(SweepWriter.html(sweep).contains("data-chart=\"sweep\""));
    }

    @Test
    void aClaimNamesTheSelectedWeightsCellAndHasNoDataBeforeTheSelection() {
        List<RunRecord> runs = runs();
        Claims claims = Claims.parse(List.of("selected SpectReg beats none | dropout/spectreg=selected > dropout/none"),
                "sweep.claims");
        Report selected = Report.of(7, runs, ExpectedResults.none()).withSweep(SweepSection.of("best-mean", 1000, runs,
                validations(runs), List.of(new Validations.Selection("dropout/spectreg/200/class", "best-mean", 0.03,
                        "best", Instant.EPOCH)), Map.of())).withClaims(claims);
        Claims.Check check = selected.claims().get(0).checks().get(0);
        assertEquals(3, check.nLeft(), "the three runs of spectreg=0.03");
        assertEquals(97.0, check.meanLeft(), 1e-9);
        Report unselected = Report.of(7, runs, ExpectedResults.none()).withSweep(SweepSection.of("best-mean", 1000, runs,
                validations(runs), List.of(), Map.of())).withClaims(claims);
        assertEquals(Claims.Verdict.NO_DATA, unselected.claims().get(0).verdict());
    }

    @Test
    void eachMeasureIsDrawnAgainstTheWeightAsAMultipleOfTheJobsWeightWithNoneAsTheDashedLine() {
        List<RunRecord> runs = runs();
        Map<String, Map<String, Double>> measures = new java.util.HashMap<>();
        for (RunRecord r : runs) {
            // FGSM accuracy rising with the weight, past the accuracy's peak at 0.03
            double w = r.cell().gridWeight().orElse(0.0);
            measures.put(r.runKey(), Map.of("fgsm@0.1", 0.2 + w + 0.001 * r.seed(), "gradnorm", 1 - w));
        }
        Report report = Report.of(7, runs, ExpectedResults.none()).withSweep(SweepSection.of("best-mean", 1000, runs,
                validations(runs), List.of(new Validations.Selection("dropout/spectreg/200/class", "best-mean", 0.03,
                        "best", Instant.EPOCH)), Map.of("dropout/spectreg/200/class", 0.03))).withMeasures(measures);
        String html = SweepMeasureCharts.html(report);
        assertEquals(3, html.split("data-chart=\"sweep-measure\"", -1).length - 1, "clean accuracy, fgsm@0.1, gradnorm");
        assertTrue(html.contains("fgsm@0.1 against the weight"), html);
        assertTrue(html.contains("weight ÷ the job"), html);
        // 0.003, 0.03, 0.3 are 0.1, 1 and 10 times the job's 0.03; fgsm@0.1 at 10x: 20 + 30 + 0.1 * the mean seed (2)
        assertTrue(html.contains("dropout/spectreg/200/class at 10× its job weight: 50.2</title>"), html);
        assertTrue(html.contains("class=\"reference\""), "none as a dashed line: " + html);
        assertTrue(HtmlReport.render(report).contains("<h2>Robustness against the weight</h2>"));
        assertTrue(SvgFiles.of(report).containsKey("sweep-measure-3.svg"), SvgFiles.of(report).keySet().toString());
        assertEquals("", SweepMeasureCharts.html(Report.of(7, runs, ExpectedResults.none()).withMeasures(measures)),
                "not a sweep: no such chart");
    }
}
