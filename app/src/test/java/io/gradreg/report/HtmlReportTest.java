package io.gradreg.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.store.CurvePoint;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** report.html as text: what it holds, and that it holds nothing unescaped (the browser test renders it). */
class HtmlReportTest {

    static RunRecord run(String arch, String reg, String size, int i, RunStatus status, Double accuracy, String message) {
        return new RunRecord(7, arch + "/" + reg + "/" + size + "#" + i, "c6", arch, reg, 0.03, size, i, 1 + i, 10_000,
                status, 10_000, accuracy, 0.1, 0.01, 1.0, 2.0, message, 1L, null, "0.1.0 abc");
    }

    static int count(String text, String pattern) {
        return (int) Pattern.compile(pattern).matcher(text).results().count();
    }

    /** Curve points every 100 of 10,000 minibatches, different per run. */
    static List<CurvePoint> curve(int seed) {
        List<CurvePoint> points = new ArrayList<>();
        for (int m = 100; m <= 10_000; m += 100) {
            points.add(new CurvePoint(m, 2.0 / Math.sqrt(m) + 0.01 * seed, 5.0 / Math.sqrt(m), m <= 5000 ? 1e-3 : 1e-4));
        }
        return points;
    }

    @Test
    void aC6LikeReportHasBarsWithThePapersValuesAndSaysWhenCurvesAreMissing() {
        ExpectedResults expected = ExpectedResults.read(Path.of("jobs/c6-jacobian-norms.expected.csv"));
        List<RunRecord> runs = new ArrayList<>();
        for (String reg : List.of("spectreg", "jacreg", "frobreg")) {
            for (int i = 0; i < 2; i++) {
                runs.add(run("dropout", reg, "200/class", i, RunStatus.EVALUATED, 0.97 + 0.001 * i, null));
            }
        }
        runs.add(run("dropout", "frobreg", "200/class", 2, RunStatus.FAILED, null, "diverged <script>alert('x')</script> & \"so\""));
        runs.add(run("dropout", "frobreg", "200/class", 3, RunStatus.TRAINING, null, null));
        String html = ReportWriter.html(Report.of(7, runs, expected));

        assertEquals(1, count(html, "<figure class=\"chart\""), "one chart: the table's");
        assertEquals(1, count(html, "data-chart=\"accuracy\""));
        assertEquals(3, count(html, "<circle class=\"dot\""), "a dot per cell (no bars on an axis not starting at 0)");
        assertEquals(0, count(html, "class=\"bar\""));
        assertEquals(3, count(html, "class=\"interval\""), "each dot's ±1 sd");
        assertEquals(3 + 1, count(html, "class=\"paper\""), "the paper's value on each cell, and in the legend");
        assertTrue(html.contains("test accuracy (%)"), "the axis names its unit");
        assertTrue(html.contains("class=\"no-curves\""), "no curves recorded: said, not drawn");
        assertEquals(0, count(html, "data-chart=\"curve\""));
        assertTrue(html.contains("diverged &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;so&quot;"), html);
        assertFalse(html.contains("<script"), "nothing unescaped");
        assertTrue(html.contains("dropout/frobreg/200/class#3 (seed 4): TRAINING, 10000/10000 minibatches"), html);
        assertTrue(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""), "no fetch allowed");
        assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(), "no external reference");
        // the table's cells are report.md's
        assertTrue(html.contains("<td>" + SvgPlot.esc(ReportWriter.cellText(Report.of(7, runs, expected).cell(
                new Report.Row("dropout", "200/class"), "frobreg").orElseThrow())) + "</td>"));
    }

    @Test
    void aC4LikeReportDrawsAccuracyAgainstSizeWithBandsAndOneCurveChartPerSize() {
        Map<String, List<CurvePoint>> curves = new HashMap<>();
        List<RunRecord> runs = c4Runs(3, curves);
        ExpectedResults paper = ExpectedResults.parse(List.of("architecture,train_size,regularizer,accuracy,sd",
                "dropout,500,doubleback,94.0,0.4", "dropout,20000,doubleback,98.9,0.1"), "c4.expected.csv");
        String html = ReportWriter.html(Report.of(7, runs, paper, ExpectedResults.none(),
                io.gradreg.regularizer.WeightConvention.MEAN, Map.of()).withCurves(curves));
        assertEquals(1, count(html, "data-chart=\"accuracy\""));
        assertTrue(html.contains("training images (log scale)"));
        assertEquals(2 + 1, count(html, "class=\"paper\""), "the paper's two points, and the legend's mark");
        for (String size : List.of("500", "1000", "2000", "3000", "4000", "5000", "10000", "15000", "20000")) {
            assertTrue(html.contains("class=\"tick-label\"") && html.matches("(?s).*class=\"tick-label\"[^>]*>" + size
                    + "</text>.*"), "tick " + size + " is labelled");
        }
        assertEquals(9, count(html, "data-chart=\"curve\""), "one chart per size, its regularizers overlaid");
        assertEquals(5 + 9 * 5, count(html, "class=\"band\""), "a band per regularizer, and per curve of loss");
        assertEquals(9, count(html, "raw penalty \\(unweighted; log scale\\)"), "the penalties on a log axis");
        assertTrue(html.contains("training loss (cross-entropy, nats)") && html.contains("raw penalty (unweighted; log scale)"));
        assertTrue(html.contains("minibatch"));
    }

    @Test
    void everyChartIsAlsoAStandAloneSvgFile() throws Exception {
        Map<String, List<CurvePoint>> curves = new HashMap<>();
        Report report = Report.of(7, c4Runs(2, curves), ExpectedResults.none()).withCurves(curves);
        Map<String, String> files = SvgFiles.of(report);
        assertEquals(1 + 9, files.size(), "the accuracy chart and a curve chart per size: " + files.keySet());
        assertTrue(files.containsKey("accuracy.svg") && files.containsKey("curve-9.svg"), files.keySet().toString());
        javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        for (Map.Entry<String, String> f : files.entrySet()) {
            org.w3c.dom.Element root = factory.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(
                    f.getValue().getBytes(StandardCharsets.UTF_8))).getDocumentElement();
            assertEquals("svg", root.getLocalName(), f.getKey());
            assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI(), f.getKey());
        }
        assertTrue(ReportWriter.html(report).contains(files.get("accuracy.svg").substring(files.get("accuracy.svg")
                .indexOf("<svg"), files.get("accuracy.svg").length() - 1)), "the page's own drawing");
    }

    /**
     * The size of a C4 report's HTML, by construction: the shape of jobs/c4-train-size.xml (9 sizes x
     * 5 regularizers x 10 runs of 10,000 minibatches, a curve point every 100) with made-up numbers.
     */
    @Test
    void aC4ReportStaysSmall() {
        Map<String, List<CurvePoint>> curves = new HashMap<>();
        String html = ReportWriter.html(Report.of(7, c4Runs(10, curves), ExpectedResults.none()).withCurves(curves));
        int bytes = html.getBytes(StandardCharsets.UTF_8).length;
        System.out.println("C4-shaped report.html: " + bytes + " bytes");
        assertTrue(bytes < 1_000_000, bytes + " bytes");
    }

    private static List<RunRecord> c4Runs(int runsPerCell, Map<String, List<CurvePoint>> curves) {
        List<RunRecord> runs = new ArrayList<>();
        int seed = 0;
        for (String size : List.of("500", "1000", "2000", "3000", "4000", "5000", "10000", "15000", "20000")) {
            for (String reg : List.of("none", "doubleback", "spectreg", "jacreg", "cp")) {
                for (int i = 0; i < runsPerCell; i++) {
                    RunRecord r = run("dropout", reg, size, i, RunStatus.EVALUATED,
                            0.9 + 0.004 * Math.log(Integer.parseInt(size)) + 0.001 * i, null);
                    runs.add(r);
                    curves.put(r.runKey(), curve(seed++));
                }
            }
        }
        return runs;
    }
}
