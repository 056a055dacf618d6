package io.gradreg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.store.Cell;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A weight sweep's plan: its grid cells, groups, shards, selection and the properties' checks. */
class SweepPlanTest {

    @Test
    void theC6SweepPlansEachGridWeightAsACellWithTheGridsOwnSeeds() {
        ExperimentSpec spec = ExperimentSpecTest.parse("c6-weight-sweep");
        SweepSettings sweep = spec.settings().sweep();
        assertEquals("best-mean", sweep.rule());
        assertEquals(10_000, sweep.validationImages());
        assertEquals(List.of(0.001, 0.003, 0.01, 0.03, 0.1, 0.3), sweep.grid("spectreg"));
        assertEquals(Map.of("dropout/doubleback/200/class", 50.0, "dropout/spectreg/200/class", 0.03,
                "dropout/frobreg/200/class", 0.03, "dropout/jacreg/200/class", 1.0, "dropout/cp/200/class", 0.01),
                sweep.reference());
        // none 5, doubleback/spectreg/cp 6 x 5, frobreg/jacreg 4 x 3
        assertEquals(5 + 3 * 30 + 2 * 12, spec.runs().size());
        RunSpec db = spec.run("dropout/doubleback=1.5/200/class#4");
        assertEquals(1.5, db.jobWeight());
        assertEquals(1.5 / 50, db.config().weight(), 1e-15); // paper convention: DoubleBack's 1/batch-size
        assertEquals("doubleback", db.config().regularizer());
        assertEquals(5, db.config().seed());
        assertEquals(3, spec.runs().stream().filter(r -> r.id().cell().regularizerName().equals("jacreg")
                && r.jobWeight() == 1).count());
        // every grid spans at least 1/30x to 10x the published weight
        sweep.grids().forEach((name, grid) -> {
            double published = sweep.reference().get("dropout/" + name + "/200/class");
            assertTrue(grid.get(0) <= published / 30 * 1.0001 && grid.get(grid.size() - 1) >= 10 * published, name);
        });
    }

    @Test
    void groupsAreWholeGridsAndShardsTakeWholeGroups() {
        ExperimentSpec spec = ExperimentSpecTest.parse("c6-weight-sweep");
        Map<Cell, List<RunSpec>> groups = SweepGroups.of(spec.runs());
        assertEquals(List.of("dropout/none/200/class", "dropout/doubleback/200/class", "dropout/spectreg/200/class",
                "dropout/frobreg/200/class", "dropout/jacreg/200/class", "dropout/cp/200/class"),
                groups.keySet().stream().map(Cell::toString).toList());
        Plan plan = new Plan("id", spec.settings(), spec.runs());
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 4; i++) {
            List<RunSpec> share = Plan.share(spec.settings(), spec.runs(), new Shard(i, 4));
            Set<Cell> shareGroups = share.stream().map(r -> r.id().cell().group()).collect(Collectors.toSet());
            for (Cell g : shareGroups) {
                assertEquals(groups.get(g).size(), share.stream().filter(r -> r.id().cell().group().equals(g)).count(),
                        g + " is split across shards");
            }
            share.forEach(r -> assertTrue(seen.add(r.key()), r.key() + " in two shards"));
        }
        assertEquals(plan.runs().size(), seen.size());
    }

    @Test
    void selectionNeedsEveryRunOfAWeightAndIgnoresTheTestSet() {
        ExperimentSpec spec = ExperimentSpecTest.parse("sweep-quickstart");
        List<RunSpec> grid = SweepGroups.of(spec.runs()).get(Cell.parse("baseline/spectreg/50/class"));
        Map<String, Double> validation = new HashMap<>();
        validation.put("baseline/spectreg=0.003/50/class#0", 0.90);
        validation.put("baseline/spectreg=0.003/50/class#1", 0.92);
        validation.put("baseline/spectreg=0.03/50/class#0", 0.93);
        validation.put("baseline/spectreg=0.03/50/class#1", 0.93);
        validation.put("baseline/spectreg=0.3/50/class#0", 0.99); // its seed 1 failed: out of the race
        assertTrue(SweepGroups.complete(grid, validation, Set.of("baseline/spectreg=0.3/50/class#1")));
        assertEquals(0.03, SweepGroups.select(grid, validation, WeightSelection.Rule.BEST_MEAN).orElseThrow().weight());
        assertEquals(List.of(0.3), SweepGroups.select(grid, validation, WeightSelection.Rule.BEST_MEAN).orElseThrow()
                .incomplete());
        assertTrue(!SweepGroups.complete(grid, validation, Set.of()));
        // the reference is a group without a grid: nothing to select
        List<RunSpec> none = SweepGroups.of(spec.runs()).get(Cell.parse("baseline/none/50/class"));
        assertTrue(SweepGroups.select(none, validation, WeightSelection.Rule.BEST_MEAN).isEmpty());
    }

    @Test
    void aJobWithoutAGridIsNoSweepAndRefusesTheSweepsProperties() {
        assertNull(ExperimentSpecTest.parse("quickstart").settings().sweep());
        assertEquals("job property 'select' belongs to a weight sweep, and this job declares no grid: add "
                + "'sweep.weight.NAME' (weights to try) or remove 'select'",
                assertThrows(IllegalArgumentException.class, () -> ExperimentSpecTest.parse("quickstart", "select",
                        "one-se")).getMessage());
    }

    @Test
    void badSweepPropertiesAreNamed() {
        assertEquals("job property 'sweep.weight.frobreg' is the grid of no regularizer of this job (regularizers: none "
                + "spectreg); add 'frobreg' to 'regularizers' or correct the name", message("sweep.weight.frobreg", "0.1"));
        assertEquals("job property 'sweep.weight.spectreg': grid weight 0 must be positive (the reference without a "
                + "regularizer is 'none')", message("sweep.weight.spectreg", "0 0.1"));
        assertEquals("job property 'sweep.weight.spectreg' lists '0.1' twice",
                message("sweep.weight.spectreg", "0.1 0.1"));
        assertEquals("job property 'select': select must be 'best-mean' or 'one-se', was 'best'", message("select", "best"));
        assertEquals("job property 'validation-images': 59600 validation images and a training subset of 500 (50/class) "
                + "exceed MNIST's 60000 training images; use at most 59500", message("validation-images", "59600"));
        assertEquals("job property 'sweep.runs.none' names no swept regularizer (swept: spectreg)",
                message("sweep.runs.none", "1"));
        assertEquals("job property 'sweep.weight.doubleback' is missing: in a weight sweep every regularizer but none has "
                + "a grid of weights to try", message("regularizers", "none spectreg doubleback", "weight.doubleback",
                        "50"));
    }

    private static String message(String... params) {
        return assertThrows(IllegalArgumentException.class, () -> ExperimentSpecTest.parse("sweep-quickstart", params))
                .getMessage();
    }

    @Test
    void aPlanWithoutASweepKeepsItsStoredTextAndId() {
        ExperimentSpec spec = ExperimentSpecTest.parse("quickstart");
        assertTrue(!PlanCodec.write(spec.settings()).contains("sweep"));
        assertTrue(PlanCodec.write(ExperimentSpecTest.parse("sweep-quickstart").settings()).contains("\"sweep\""));
    }

    @Test
    void theC6SweepMeasuresRobustnessAndItsClaimsParse() {
        ExperimentSpec spec = ExperimentSpecTest.parse("c6-weight-sweep");
        assertEquals("fgsm:0.05,0.1 pgd:0.1 noise:0.3 gradnorm", spec.settings().robustness());
        io.gradreg.report.Claims claims = io.gradreg.report.Claims.read(java.nio.file.Path.of("jobs/c6-weight-sweep.claims"));
        assertTrue(claims != null);
    }
}
