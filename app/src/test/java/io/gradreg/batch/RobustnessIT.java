package io.gradreg.batch;

import static io.gradreg.batch.Gradreg.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quickstart-sized job with the job property {@code robustness}: every run is evaluated under
 * attack, the measures reach report.md/csv/json/html and the runs file, and fgsm@0 is the test
 * accuracy.
 */
class RobustnessIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTinyJobReportsEveryMeasurePerCell(@TempDir Path dir) throws Exception {
        Gradreg g = new Gradreg(dir, Map.of());
        ok(g.run("run", "quickstart", "-p", "runs=2", "-p", "minibatches=40", "-p", "regularizers=none",
                "-p", "robustness=fgsm:0,0.1 pgd:0.1 noise:0.3 gradnorm"));
        Path reports = dir.resolve("reports/quickstart-1");
        String md = Files.readString(reports.resolve("report.md"));
        assertTrue(md.contains("## Robustness"), md);
        assertTrue(md.contains("| architecture | train size | regularizer | n | clean | fgsm@0 | fgsm@0.1 | pgd@0.1 | "
                + "noise@0.3 | gradnorm | jacobian | gradnorm@noise | jacobian@noise | gradnorm@midpoint | "
                + "jacobian@midpoint | robustness-seconds |"), md);
        String csv = Files.readString(reports.resolve("report.csv"));
        assertTrue(csv.lines().findFirst().orElseThrow().contains(",fgsm@0.1_mean,fgsm@0.1_sd,pgd@0.1_mean,"), csv);
        assertTrue(Files.readString(reports.resolve("report.html")).contains("data-chart=\"robustness\""));
        JsonNode report = JSON.readTree(reports.resolve("report.json").toFile());
        for (JsonNode run : report.get("runs")) {
            JsonNode m = run.get("measures");
            double clean = run.get("testAccuracy").asDouble();
            assertEquals(clean, m.get("fgsm@0").asDouble(), 0.0, "epsilon 0 is the test accuracy: " + run);
            assertTrue(m.get("fgsm@0.1").asDouble() <= clean, run.toString());
            assertTrue(m.get("pgd@0.1").asDouble() <= m.get("fgsm@0.1").asDouble(), run.toString());
            assertTrue(m.get("jacobian").asDouble() > 0, run.toString());
        }
        JsonNode cell = report.get("cells").get(0).get("measures");
        assertEquals(2, cell.get("pgd@0.1").get("n").asInt());

        Path runs = dir.resolve("quickstart.runs.json");
        ok(g.run("export", "1", "-o", runs.toString()));
        JsonNode exported = JSON.readTree(runs.toFile());
        assertEquals(3, exported.get("formatVersion").asInt());
        assertTrue(exported.get("runs").get(0).get("measures").has("pgd@0.1"), exported.toString());
    }
}
