package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's report.html in a real browser (Debian's Chromium, headless, see {@link
 * HeadlessChromium}): it loads with no console error and no network request, and draws the
 * expected charts (one for the table, one per cell with a training curve, counted from
 * report.json) with something in every plot area, checked in the DOM and in the screenshot's
 * pixels. Broken copies of the page prove that each check can fail. Skipped without chromium,
 * except under CI=true ({@code .ci/run} installs it), where it fails.
 */
class HtmlReportBrowserIT {

    /** Coloured (data) pixels a plot area must hold at least: its lines, bands or bars. */
    private static final int MIN_DATA_PIXELS = 50;

    @TempDir
    Path dir;

    @Test
    void theQuickstartReportRendersOfflineWithEveryChartDrawn() throws Exception {
        Path chromium = HeadlessChromium.binary();
        Gradreg g = new Gradreg(Files.createDirectories(dir.resolve("work")), Map.of("GRADREG_METRICS_PORT", "0"));
        Gradreg.Result run = g.run("run", "quickstart", "-p", "runs=2", "-p", "minibatches=120", "-p", "curve-every=20",
                "-p", "partitions=2");
        assertEquals(0, run.exit(), run.err());
        Path reportDir;
        try (Stream<Path> dirs = Files.list(g.workDir().resolve("reports"))) {
            reportDir = dirs.filter(d -> d.getFileName().toString().startsWith("quickstart-")).findFirst().orElseThrow();
        }
        Path html = reportDir.resolve("report.html");
        JsonNode json = new ObjectMapper().readTree(reportDir.resolve("report.json").toFile());
        int expected = 1; // the table's chart, and one of training curves per architecture and size with any
        java.util.Set<String> rows = new java.util.HashSet<>();
        for (JsonNode cell : json.path("cells")) {
            if (cell.path("curve").isObject()) {
                rows.add(cell.path("architecture").asText() + " " + cell.path("trainSize").asText());
            }
        }
        expected += rows.size();
        assertEquals(1 + 1, expected, "quickstart: one size, whose three cells have curves");

        try (HeadlessChromium browser = new HeadlessChromium(chromium, dir.resolve("profile"))) {
            HeadlessChromium.PageLoad page = browser.load(html);
            Files.write(dir.resolve("report.png"), page.png());
            assertEquals(List.of(), problems(page, expected), "report.html in Chromium");

            // each check fails on a page that breaks it
            String text = Files.readString(html);
            assertProblem(browser, "missing-chart.html", removeLastCurve(text), expected,
                    "expected " + expected + " charts, found " + (expected - 1));
            assertProblem(browser, "empty-plot.html", text.replaceFirst("(?s)<g class=\"data\">.*?</g>\n",
                    "<g class=\"data\"></g>\n"), expected, "chart 1 (accuracy) plot 1 is empty");
            // with the page's policy a fetch is refused and logged; without it, the request itself is seen
            assertProblem(browser, "fetch.html", text.replace("</body>", "<img src=\"http://127.0.0.1:9/x.png\"></body>"),
                    expected, "console error");
            assertProblem(browser, "console-error.html", text.replaceFirst("<meta http-equiv=\"Content-Security-Policy\"[^>]*>",
                    "").replace("</body>", "<script>console.error('broken')</script></body>"), expected,
                    "console error: console.error");
            assertProblem(browser, "request.html", text.replaceFirst("<meta http-equiv=\"Content-Security-Policy\"[^>]*>",
                    "").replace("</body>", "<img src=\"http://127.0.0.1:9/x.png\"></body>"), expected,
                    "network request: http://127.0.0.1:9/x.png");
        }
    }

    private void assertProblem(HeadlessChromium browser, String name, String html, int expected, String problem)
            throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, html);
        List<String> found = problems(browser.load(file), expected);
        assertTrue(found.stream().anyMatch(p -> p.startsWith(problem)), name + ": expected a problem starting with '"
                + problem + "', found " + found);
    }

    private static String removeLastCurve(String html) {
        int start = html.lastIndexOf("<figure class=\"chart\" data-chart=\"curve\">");
        int end = html.indexOf("</figure>", start) + "</figure>".length();
        return html.substring(0, start) + html.substring(end);
    }

    /**
     * C4's committed runs as report.html (imported into an empty store): on the log axis of training
     * sizes every size is labelled and no two labels overlap, and the replication report's values are
     * drawn (C4 is a figure in the paper, so there are no paper's values, and the caption says so).
     */
    @Test
    void theC4ReportLabelsEverySizeAndDrawsTheReplicationsPoints() throws Exception {
        Path chromium = HeadlessChromium.binary();
        Gradreg g = new Gradreg(Files.createDirectories(dir.resolve("c4")), Map.of("GRADREG_METRICS_PORT", "0"));
        Gradreg.ok(g.run("import", Path.of("docs/results/c4-train-size/c4-protocol.runs.json").toAbsolutePath().toString()));
        // exit 1: C4 plans 10 runs a cell and 3 are committed; the page is written all the same
        Gradreg.Result written = g.run("report", "--experiment", "c4-protocol", "-f", "html");
        assertEquals(1, written.exit(), written.err());
        Path html = Path.of(written.out().strip());
        assertTrue(Files.readString(html).contains("the paper gives no numbers for these cells"));
        long replicated = Files.readAllLines(Path.of("jobs/c4-train-size.observed.csv")).stream().skip(1)
                .filter(l -> !l.isBlank() && !l.startsWith("#")).count();
        try (HeadlessChromium browser = new HeadlessChromium(chromium, dir.resolve("profile-c4"))) {
            HeadlessChromium.PageLoad page = browser.load(html);
            Files.write(dir.resolve("c4.png"), page.png());
            HeadlessChromium.Chart accuracy = page.charts().stream().filter(c -> c.kind().equals("accuracy")).findFirst()
                    .orElseThrow();
            assertEquals(List.of("500", "1000", "2000", "3000", "4000", "5000", "10000", "15000", "20000"),
                    accuracy.ticks().stream().map(HeadlessChromium.Tick::text).toList());
            for (int i = 0; i < accuracy.ticks().size(); i++) {
                for (int j = i + 1; j < accuracy.ticks().size(); j++) {
                    assertFalse(accuracy.ticks().get(i).overlaps(accuracy.ticks().get(j)),
                            accuracy.ticks().get(i) + " overlaps " + accuracy.ticks().get(j));
                }
            }
            assertEquals(replicated + 1, accuracy.observedMarks(), "each replicated cell, and the legend's mark");
            assertEquals(0, accuracy.paperMarks());
        }
    }

    /** What is wrong with a loaded report: console errors, requests, missing charts, empty plot areas. */
    static List<String> problems(HeadlessChromium.PageLoad page, int expectedCharts) throws Exception {
        List<String> problems = new ArrayList<>();
        page.consoleErrors().forEach(e -> problems.add("console error: " + e));
        page.requests().forEach(r -> problems.add("network request: " + r));
        if (page.charts().size() != expectedCharts) {
            problems.add("expected " + expectedCharts + " charts, found " + page.charts().size());
        }
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(page.png()));
        for (int c = 0; c < page.charts().size(); c++) {
            HeadlessChromium.Chart chart = page.charts().get(c);
            if (chart.plots().isEmpty()) {
                problems.add("chart " + (c + 1) + " (" + chart.kind() + ") has no plot area");
            }
            for (int p = 0; p < chart.plots().size(); p++) {
                HeadlessChromium.Plot plot = chart.plots().get(p);
                int pixels = dataPixels(png, plot);
                // a flat line (a penalty of 0) has no height: a drawn extent in either direction counts
                if (plot.dataElements() == 0 || plot.dataWidth() + plot.dataHeight() <= 0 || pixels < MIN_DATA_PIXELS) {
                    problems.add("chart " + (c + 1) + " (" + chart.kind() + ") plot " + (p + 1) + " is empty: "
                            + plot.dataElements() + " elements, " + plot.dataWidth() + " x " + plot.dataHeight()
                            + " px, " + pixels + " coloured pixels");
                }
            }
        }
        return problems;
    }

    /** Saturated pixels inside a plot area: the palette's colours, not the white ground or the grey grid and frame. */
    private static int dataPixels(BufferedImage png, HeadlessChromium.Plot plot) {
        int count = 0;
        int x1 = Math.min(png.getWidth(), (int) (plot.x() + plot.width()));
        int y1 = Math.min(png.getHeight(), (int) (plot.y() + plot.height()));
        for (int y = Math.max(0, (int) plot.y() + 1); y < y1 - 1; y++) {
            for (int x = Math.max(0, (int) plot.x() + 1); x < x1 - 1; x++) {
                int rgb = png.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int gr = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(gr, b)) - Math.min(r, Math.min(gr, b)) > 40) {
                    count++;
                }
            }
        }
        return count;
    }
}
