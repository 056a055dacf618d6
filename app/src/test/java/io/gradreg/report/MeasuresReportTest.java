package io.gradreg.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.store.RunRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Robustness measures in reports (md, csv, json, html) and claims on a named measure. */
class MeasuresReportTest {

    /** Two cells of five seeds: doubleback is more robust under FGSM and has smaller gradient norms. */
    static Report report() {
        List<RunRecord> none = ClaimsTest.cell("dropout", "none", "200/class", 97.0, 97.2, 97.1, 96.9, 97.3);
        List<RunRecord> doubleback = ClaimsTest.cell("dropout", "doubleback", "200/class", 97.1, 97.1, 97.2, 97.0, 97.2);
        Map<String, Map<String, Double>> measures = new LinkedHashMap<>();
        double[] fgsmNone = {0.40, 0.42, 0.41, 0.39, 0.43};
        for (int i = 0; i < 5; i++) {
            measures.put(none.get(i).runKey(), Map.of("fgsm@0.1", fgsmNone[i], "gradnorm", 2.0 + 0.1 * i,
                    "robustness-seconds", 30.0));
            measures.put(doubleback.get(i).runKey(), Map.of("fgsm@0.1", fgsmNone[i] + 0.2 + 0.001 * i,
                    "gradnorm", 0.5 + 0.1 * i, "robustness-seconds", 31.0));
        }
        List<List<RunRecord>> cells = new ArrayList<>();
        cells.add(none);
        cells.add(doubleback);
        return ClaimsTest.report(cells).withMeasures(measures);
    }

    @Test
    void everyReportFormatHasEachCellsMeanAndSdOfEveryMeasure() {
        Report report = report();
        assertEquals(List.of("fgsm@0.1", "gradnorm", "robustness-seconds"), report.measures().measures());
        Report.Cell none = report.cell(new Report.Row("dropout", "200/class"), "none").orElseThrow();
        MeasureTable.Summary fgsm = report.measures().summary(none, "fgsm@0.1");
        assertEquals(41.0, fgsm.mean(), 1e-9, "percent");
        assertEquals(Math.sqrt(2.5), fgsm.sd(), 1e-9); // 39..43 step 1: variance 2.5
        assertEquals(5, fgsm.n());

        String md = ReportWriter.markdown(report);
        assertTrue(md.contains("## Robustness"), md);
        assertTrue(md.contains("| architecture | train size | regularizer | n | clean | fgsm@0.1 | gradnorm | "
                + "robustness-seconds |"), md);
        assertTrue(md.contains("| dropout | 200/class | none | 5 | 97.10 (0.16) | 41.00 (1.58) | 2.200 (0.1581) | "
                + "30.00 (0.000) |"), md);
        assertTrue(md.contains("per-image worst case of FGSM and PGD"), "the definition is stated");
        String csv = ReportWriter.csv(report);
        assertTrue(csv.lines().findFirst().orElseThrow().endsWith(",replication_sd,fgsm@0.1_mean,fgsm@0.1_sd,"
                + "gradnorm_mean,gradnorm_sd,robustness-seconds_mean,robustness-seconds_sd"), csv);
        assertTrue(csv.contains(",41.0,1.5811388300841898,2.2,0.1581138830084189,30.0,0.0"), csv);
        String json = ReportWriter.json(report);
        assertTrue(json.contains("\"fgsm@0.1\" : {\n        \"mean\" : 41.0"), json);
        assertTrue(json.contains("\"measuresDefinition\""), json);
        String html = ReportWriter.html(report);
        assertTrue(html.contains("fgsm@0.1"), "the html names the measure");
    }

    @Test
    void reportsWithoutMeasuresAreUnchanged() {
        Report plain = ClaimsTest.report(List.of(ClaimsTest.cell("dropout", "none", "200/class", 97.0, 97.2, 97.1)));
        assertFalse(ReportWriter.markdown(plain).contains("Robustness"));
        assertTrue(ReportWriter.csv(plain).lines().findFirst().orElseThrow().endsWith(",replication_sd"));
        assertFalse(ReportWriter.json(plain).contains("measures"));
    }

    @Test
    void claimsCompareCellsOnANamedMeasureUnderHolm() {
        Report report = report();
        List<Claims.Result> results = Claims.parse(List.of(
                "DoubleBack resists FGSM | dropout/doubleback > dropout/none [fgsm@0.10]",
                "DoubleBack flattens | dropout/doubleback < dropout/none [gradnorm]",
                "both | dropout/doubleback > dropout/none [fgsm@0.1]; dropout/doubleback < dropout/none [gradnorm]",
                "accuracy alone | dropout/doubleback > dropout/none"), "t").evaluate(report);
        Claims.Check fgsm = results.get(0).checks().get(0);
        assertEquals("fgsm@0.1", fgsm.measure());
        assertEquals(Claims.Verdict.SUPPORTED, results.get(0).verdict());
        assertEquals(20.2, fgsm.difference(), 1e-9, "percent points, paired over seeds");
        assertEquals(Claims.Verdict.SUPPORTED, results.get(1).verdict());
        assertEquals(-1.5, results.get(1).checks().get(0).difference(), 1e-9);
        assertEquals(2, results.get(2).checks().size());
        assertEquals(Claims.Verdict.SUPPORTED, results.get(2).verdict());
        // Holm within the claim: the smaller p is multiplied by 2
        Claims.Check first = results.get(2).checks().get(0);
        Claims.Check second = results.get(2).checks().get(1);
        assertEquals(Math.min(1, 2 * Math.min(first.pValue(), second.pValue())),
                Math.min(first.adjustedP(), second.adjustedP()), 1e-15);
        assertEquals(null, results.get(3).checks().get(0).measure());
        String md = ReportWriter.markdown(report.withClaims(Claims.parse(List.of(
                "x | dropout/doubleback < dropout/none [gradnorm]"), "t")));
        assertTrue(md.contains("dropout/doubleback@200/class < dropout/none@200/class [gradnorm]: "), md);
    }

    @Test
    void anUnknownMeasureIsRefusedNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Claims.parse(List.of("x | dropout/a > dropout/b [fgsm]"), "claims"));
        assertTrue(e.getMessage().startsWith("claims:1: unknown measure 'fgsm'"), e.getMessage());
    }
}
