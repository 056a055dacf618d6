package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradreg.store.Cell;
import io.gradreg.store.RunId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quickstart-sized weight sweep end to end: the recorded selection is recomputed here by hand
 * from the recorded validation accuracies (for both rules), and no run of the grid was evaluated on
 * the test images before the selection was recorded.
 */
class SweepIT {

    private final List<Gradreg> made = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (Gradreg g : made) {
            g.closeIfServed();
        }
    }

    /**
     * The one-standard-error rule, the one with more to get wrong (best-mean is its first half; both
     * rules are pinned on hand-made grids in WeightSelectionTest and SweepPlanTest).
     */
    @Test
    void theSelectionIsTheRuleAppliedToTheValidationNumbersAndPrecedesEveryTestRead(@TempDir Path dir)
            throws Exception {
        String rule = "one-se";
        Gradreg g = new Gradreg(dir, Map.of());
        made.add(g);
        Gradreg.Result r = Gradreg.ok(g.run("run", "sweep-quickstart", "-p", "minibatches=60", "-p", "runs=3",
                "-p", "validation-images=500", "-p", "select=" + rule, "-p", "sweep.weight.spectreg=0.001 0.03 3"));
        assertTrue(r.out().contains("## Weight sweep"), r.out());

        Map<Double, List<Double>> validation = new TreeMap<>();
        double selected;
        Timestamp selectedAt;
        try (Connection c = g.connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT run_key, accuracy, images, validated_at FROM gradreg_validation")) {
                while (rs.next()) {
                    assertEquals(500, rs.getInt(3));
                    Cell cell = RunId.parse(rs.getString(1)).cell();
                    cell.gridWeight().ifPresent(w -> {
                        try {
                            validation.computeIfAbsent(w, k -> new ArrayList<>()).add(100 * rs.getDouble(2));
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT grp, rule, weight, selected_at FROM gradreg_selection")) {
                assertTrue(rs.next(), "one selection recorded");
                assertEquals("baseline/spectreg/50/class", rs.getString(1));
                assertEquals(rule, rs.getString(2));
                selected = rs.getDouble(3);
                selectedAt = rs.getTimestamp(4);
                assertFalse(rs.next(), "one group, one selection");
            }
            // every run was evaluated on the test images, each after the selection was recorded, and
            // every validation accuracy was recorded before it
            try (ResultSet rs = s.executeQuery("SELECT run_key, status, test_accuracy, updated_at FROM gradreg_run")) {
                int runs = 0;
                while (rs.next()) {
                    runs++;
                    assertEquals("EVALUATED", rs.getString(2), rs.getString(1));
                    assertNotNull(rs.getObject(3), rs.getString(1));
                    assertFalse(rs.getTimestamp(4).before(selectedAt), rs.getString(1) + " was evaluated at "
                            + rs.getTimestamp(4) + ", before the selection at " + selectedAt);
                }
                assertEquals(12, runs, "none and three weights, three seeds each");
            }
            try (ResultSet rs = s.executeQuery("SELECT MAX(validated_at) FROM gradreg_validation")) {
                rs.next();
                assertFalse(rs.getTimestamp(1).after(selectedAt), "validated after the selection");
            }
        }
        assertEquals(List.of(0.001, 0.03, 3.0), new ArrayList<>(validation.keySet()));
        assertEquals(byHand(validation, rule), selected, 0.0, "validation accuracies " + validation);

        JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("reports/sweep-quickstart-1/report.json")));
        JsonNode group = json.at("/sweep/groups/0");
        assertEquals(selected, group.get("selectedWeight").asDouble());
        assertEquals(0.03, group.get("jobWeight").asDouble());
        assertEquals(3, group.get("grid").size());
        for (JsonNode point : group.get("grid")) {
            List<Double> v = validation.get(point.get("weight").asDouble());
            assertEquals(v.stream().mapToDouble(d -> d).average().orElseThrow(), point.at("/validation/mean").asDouble(),
                    1e-9);
            assertEquals(3, point.at("/testPostHoc/n").asInt());
        }
        assertTrue(Files.readString(dir.resolve("reports/sweep-quickstart-1/report.html")).contains("data-chart=\"sweep\""));
        assertTrue(Files.isRegularFile(dir.resolve("reports/sweep-quickstart-1/sweep.csv")));

        // the held-out numbers travel: an import elsewhere reports the same grid and selection
        Path runs = dir.resolve("sweep.runs.json");
        Gradreg.ok(g.run("export", "1", "-o", runs.toString()));
        String experimentId = new ObjectMapper().readTree(runs.toFile()).get("experimentId").asText();
        Gradreg elsewhere = new Gradreg(Files.createDirectories(dir.resolve("elsewhere")), Map.of());
        made.add(elsewhere);
        // a forged selection (a weight the grid never trained) is refused, and nothing is imported
        Path forged = dir.resolve("forged.runs.json");
        String text = Files.readString(runs);
        Files.writeString(forged, text.replaceFirst("(\"selections\" : \\[ \\{[^}]*\"weight\" : )[0-9.E-]+", "$10.5"));
        Gradreg.Result refused = elsewhere.run("import", forged.toString());
        assertEquals(2, refused.exit(), refused.err());
        assertEquals("gradreg: " + forged + ": the selection of 'baseline/spectreg/50/class' is weight 0.5, not one of "
                + "its grid's [0.001, 0.03, 3.0]; the file is inconsistent", refused.errorLine());
        Gradreg.ok(elsewhere.run("import", runs.toString()));
        JsonNode imported = new ObjectMapper().readTree(Gradreg.ok(elsewhere.run("report", "--experiment",
                experimentId, "-f", "json")).out());
        assertEquals(json.get("sweep"), imported.get("sweep"));
    }

    /** best-mean: the highest mean (ties to the larger weight); one-se: the largest weight within one SE of it. */
    private static double byHand(Map<Double, List<Double>> validation, String rule) {
        double bestWeight = Double.NaN;
        double bestMean = Double.NEGATIVE_INFINITY;
        for (Map.Entry<Double, List<Double>> e : validation.entrySet()) {
            double mean = e.getValue().stream().mapToDouble(d -> d).average().orElseThrow();
            if (mean >= bestMean) {
                bestMean = mean;
                bestWeight = e.getKey();
            }
        }
        if (rule.equals("best-mean")) {
            return bestWeight;
        }
        List<Double> best = validation.get(bestWeight);
        double ss = 0;
        for (double a : best) {
            ss += (a - bestMean) * (a - bestMean);
        }
        double se = Math.sqrt(ss / (best.size() - 1)) / Math.sqrt(best.size());
        double chosen = bestWeight;
        for (Map.Entry<Double, List<Double>> e : validation.entrySet()) {
            if (e.getValue().stream().mapToDouble(d -> d).average().orElseThrow() >= bestMean - se) {
                chosen = Math.max(chosen, e.getKey());
            }
        }
        return chosen;
    }
}
