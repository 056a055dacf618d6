package io.gradreg.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.model.BatchNormSettings;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    static RunRecord run(String reg, int i, RunStatus status, Double accuracy) {
        return new RunRecord(7, "dropout/" + reg + "/200/class#" + i, "c6", "dropout", reg, 0.03, "200/class", i,
                1 + i, 100, status, 100, accuracy, 0.1, 0.01, 1.0, 2.0, status == RunStatus.FAILED ? "diverged" : null,
                1L, null, null);
    }

    @Test
    void cellIsMeanAndSampleStandardDeviationBesideThePapersNumber() {
        ExpectedResults expected = ExpectedResults.read(Path.of("jobs/c6-jacobian-norms.expected.csv"));
        Report report = Report.of(7, List.of(
                run("spectreg", 0, RunStatus.EVALUATED, 0.97),
                run("spectreg", 1, RunStatus.EVALUATED, 0.98),
                run("spectreg", 2, RunStatus.EVALUATED, 0.99),
                run("frobreg", 0, RunStatus.FAILED, null),
                run("frobreg", 1, RunStatus.TRAINING, null)), expected);
        Report.Cell spect = report.cell(new Report.Row("dropout", "200/class"), "spectreg").orElseThrow();
        // mean of 97, 98, 99 is 98; sample variance ((-1)^2 + 0 + 1^2) / 2 = 1
        assertEquals(98.0, spect.mean(), 1e-9);
        assertEquals(1.0, spect.sd(), 1e-9);
        assertEquals(97.79, spect.paper().accuracy());
        assertEquals(98.0 - 97.79, spect.difference(), 1e-9);
        Report.Cell frob = report.cell(new Report.Row("dropout", "200/class"), "frobreg").orElseThrow();
        assertNull(frob.mean());
        assertEquals(1, frob.failed());
        assertEquals(1, frob.missing());
        assertEquals(List.of("spectreg", "frobreg"), report.columns());

        String md = ReportWriter.markdown(report);
        assertTrue(md.contains("| dropout | 200/class | 98.00 (1.00) n=3; paper 97.79, Δ +0.21 | — n=0; paper 97.76; "
                + "1 failed; 1 missing |"), md);
        assertTrue(md.contains("- dropout/frobreg/200/class#0 (seed 1): diverged"), md);
        String csv = ReportWriter.csv(report);
        assertTrue(csv.contains("c6,dropout,200/class,spectreg,mean,0.03,0.03,3,3,0,98.0000,1.0000,97.79,0.12,0.2100"), csv);
        assertTrue(ReportWriter.json(report).contains("\"meanAccuracy\" : 98.0"), ReportWriter.json(report));
        // the comparison with the paper: Welch's test of 98.00 (1.00), n=3 against 97.79 (0.12), 10 runs
        assertTrue(md.contains("| dropout | 200/class | spectreg | 0.03 | 98.00 (1.00), n=3 | 97.79 (0.12) | — | "
                + "+0.21 ± 0.58 | 0.751 |  |"), md);
        assertNull(AccuracyChart.svg(report), "one training size: no chart");
        assertFalse(md.contains("Regularizer parameters"), "none set, none named");

        Report withParameters = report.withRegularizerParameters(
                Map.of("spectreg", Map.of("projections", "2", "dist", "normal"), "frobreg", Map.of("eps", "0")));
        assertTrue(ReportWriter.markdown(withParameters).contains(
                "\nRegularizer parameters: frobreg eps=0, spectreg dist=normal projections=2 (others: their defaults).\n"),
                ReportWriter.markdown(withParameters));
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            assertEquals(json.readTree("{\"frobreg\": {\"eps\": \"0\"}, \"spectreg\": {\"dist\": \"normal\", "
                    + "\"projections\": \"2\"}}"), json.readTree(ReportWriter.json(withParameters)).get("regularizerParameters"));
            assertEquals(0, json.readTree(ReportWriter.json(report)).get("regularizerParameters").size());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void batchNormSettingsOtherThanTheDefaultsAreNamedInEveryFormat() {
        Report report = Report.of(7, List.of(run("none", 0, RunStatus.EVALUATED, 0.97)), ExpectedResults.none());
        assertFalse(ReportWriter.markdown(report).contains("Batch normalization"), "defaults: not named");
        assertFalse(ReportWriter.json(report).contains("batchNorm"), "defaults: not named");
        String tf = new BatchNormSettings(0.99, 1e-3, BatchNormSettings.Placement.AFTER_RELU,
                BatchNormSettings.Layers.CONV).properties();
        assertEquals("bn-momentum=0.99 bn-epsilon=0.001 bn-placement=after-relu bn-layers=conv", tf);
        Report named = report.withBatchNorm(tf);
        assertTrue(ReportWriter.markdown(named).contains("\nBatch normalization (batchnorm runs): bn-momentum=0.99 "
                + "bn-epsilon=0.001 bn-placement=after-relu bn-layers=conv.\n"), ReportWriter.markdown(named));
        assertTrue(ReportWriter.json(named).contains("\"batchNorm\" : \"" + tf + "\""), ReportWriter.json(named));
        assertTrue(ReportWriter.html(named).contains("<p>Batch normalization (batchnorm runs): " + tf + ".</p>"));
    }

    @Test
    void anOverriddenWeightIsLabelledInEveryFormatAndAJobFilesWeightsAreNot() {
        List<RunRecord> runs = List.of(run("spectreg", 0, RunStatus.EVALUATED, 0.97), run("none", 0,
                RunStatus.EVALUATED, 0.96));
        Report own = Report.of(7, runs, ExpectedResults.none(), ExpectedResults.none(),
                io.gradreg.regularizer.WeightConvention.MEAN, Map.of());
        assertFalse(own.weightsOverridden());
        assertFalse(ReportWriter.markdown(own).contains("overridden"));
        assertFalse(ReportWriter.csv(own).contains("weight_source"), "no column when every weight is the job file's");
        assertFalse(ReportWriter.json(own).contains("weightSource"));

        Report report = Report.of(7, runs, ExpectedResults.none(), ExpectedResults.none(),
                io.gradreg.regularizer.WeightConvention.MEAN, Map.of(), Map.of("dropout/spectreg/200/class#0", 0.01));
        assertTrue(report.weightsOverridden());
        String md = ReportWriter.markdown(report);
        assertTrue(md.contains("dropout/spectreg/200/class = 0.03 (overridden with -p; the job file says 0.01)"), md);
        assertTrue(md.contains("Weights (convention: mean, "), md);
        assertFalse(md.contains("dropout/none/200/class = 0.03 (overridden"), md);
        // report.html's weights table: the cell of dropout/spectreg at 200/class
        assertTrue(ReportWriter.html(report).contains("<td>0.03 (overridden with -p; the job file says 0.01)</td>"),
                ReportWriter.html(report));
        List<String> csv = ReportWriter.csv(report).lines().toList();
        assertTrue(csv.get(0).endsWith(",replication_sd,weight_source"), csv.get(0));
        assertTrue(csv.get(1).startsWith("c6,dropout,200/class,spectreg,mean,") && csv.get(1).endsWith(",override"),
                csv.get(1));
        assertTrue(csv.get(2).contains(",none,") && csv.get(2).endsWith(",job"), csv.get(2));
        String json = ReportWriter.json(report);
        assertTrue(json.contains("\"weightSource\" : \"override\",\n    \"jobFileWeight\" : 0.01,"), json);
        assertTrue(json.contains("\"weightSource\" : \"job\""), json);

        Report none = Report.of(7, runs, ExpectedResults.none(), ExpectedResults.none(),
                io.gradreg.regularizer.WeightConvention.MEAN, Map.of(), Map.of("dropout/spectreg/200/class#0", Double.NaN));
        assertTrue(ReportWriter.markdown(none).contains("= 0.03 (overridden with -p; the job file gives none)"));
        assertTrue(ReportWriter.json(none).contains("\"jobFileWeight\" : null"), ReportWriter.json(none));
    }

    @Test
    void chartHasOneLinePerRegularizerOverSizes() {
        List<RunRecord> runs = new java.util.ArrayList<>();
        int i = 0;
        for (String size : new String[] {"500", "1000", "2000"}) {
            for (String reg : new String[] {"doubleback", "cp"}) {
                runs.add(new RunRecord(1, reg + size, "c4", "baseline", reg, 1, size, 0, 1, 10, RunStatus.EVALUATED,
                        10, 0.9 + 0.01 * i++, 0.1, 0.1, 0.1, 1.0, null, 1L, null, null));
            }
        }
        String svg = AccuracyChart.svg(Report.of(1, runs, ExpectedResults.none()));
        assertEquals(2, svg.split("<polyline").length - 1, svg);
        assertTrue(svg.contains(">doubleback</text>") && svg.contains(">cp</text>"), svg);
    }
}
