package io.gradreg.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunsFileTest {

    static RunsFile.Run run(String key, String status, Double accuracy) {
        return new RunsFile.Run(key, "baseline", "none", 0.0, "10/class", 0, 1L, "ab12", 30, 30, status, accuracy,
                0.5, 0.1, 0.0, 1.5, null, "0.1.0 abc", null);
    }

    static RunsFile.Run withCurve(RunsFile.Run r, RunsFile.Curve curve) {
        return new RunsFile.Run(r.key(), r.architecture(), r.regularizer(), r.weight(), r.trainSize(), r.runIndex(),
                r.seed(), r.subsetSha256(), r.minibatches(), r.minibatchesDone(), r.status(), r.testAccuracy(),
                r.testLoss(), r.finalLoss(), r.finalPenalty(), r.trainSeconds(), r.message(), r.trainedBy(), curve);
    }

    static RunsFile file(List<RunsFile.Run> runs) {
        return new RunsFile(RunsFile.FORMAT, RunsFile.VERSION, "e1", "quickstart",
                new RunsFile.Job("quickstart", "quickstart.xml", "00", "ff", Map.of("runs", "1"), "<job/>"),
                "0.1.0 abc", "2026-11-29T21:00:00Z", runs);
    }

    @Test
    void whatIsWrittenReadsBackEqual(@TempDir Path dir) throws Exception {
        RunsFile.Curve curve = new RunsFile.Curve(List.of(10, 20, 30), List.of(2.25, 1.125, 0.1), List.of(0.5, 0.25, 0.0),
                List.of(0.001, 0.0001, 0.0001));
        RunsFile f = file(List.of(withCurve(run("baseline/none/10/class#0", "EVALUATED", 0.9), curve),
                run("baseline/none/10/class#1", "FAILED", null)));
        Path path = dir.resolve("sub/e1.runs.json");
        f.write(path);
        assertEquals(f, RunsFile.read(path));
        try (var files = Files.list(path.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void problemsNameTheFileAndTheField(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("x.runs.json");
        file(List.of(run("k", "TRAINING", null))).write(path);
        assertMessage(path, path + ": runs[0] (k) has status \"TRAINING\"; a runs file holds finished runs only "
                + "(EVALUATED or FAILED)");
        file(List.of(run("k", "EVALUATED", 97.5))).write(path);
        assertMessage(path, path + ": runs[0] (k) is EVALUATED but its \"testAccuracy\" is 97.5 (a fraction in [0, 1])");
        file(List.of(run("k", "EVALUATED", 0.9), run("k", "EVALUATED", 0.9))).write(path);
        assertMessage(path, path + ": run k appears twice");

        Files.writeString(path, "{\"format\": \"something-else\", \"formatVersion\": 1}");
        assertMessage(path, path + " is not a gradreg runs file (\"format\" is \"something-else\", not \"gradreg-runs\"); "
                + "make one with 'gradreg export'");
        Files.writeString(path, "{\"format\": \"gradreg-runs\", \"formatVersion\": 1, \"surprise\": 2}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunsFile.read(path));
        assertTrue(e.getMessage().startsWith(path + " is not a gradreg runs file: Unrecognized field \"surprise\""),
                e.getMessage());
        Files.writeString(path, "{\"format\": ");
        e = assertThrows(IllegalArgumentException.class, () -> RunsFile.read(path));
        assertTrue(e.getMessage().startsWith(path + " is not a gradreg runs file: "), e.getMessage());
        assertMessage(dir.resolve("absent.json"), "cannot read " + dir.resolve("absent.json") + ": no such file");
        Files.writeString(path, "null");
        assertMessage(path, path + " is not a gradreg runs file: it holds no JSON object");
        Files.writeString(path, "{\"format\": \"gradreg-runs\", \"formatVersion\": 3}");
        assertMessage(path, path + " has format version 3; this gradreg reads versions 1 to 2 (export it again with "
                + "this gradreg's version)");
    }

    @Test
    void curvesAreChecked(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("c.runs.json");
        RunsFile.Run r = run("k", "EVALUATED", 0.9);
        file(List.of(withCurve(r, new RunsFile.Curve(List.of(10, 20), List.of(1.0), List.of(0.0, 0.0),
                List.of(0.1, 0.1))))).write(path);
        assertMessage(path, path + ": runs[0].curve (k): its columns differ in length (minibatch 2, loss 1, penalty 2, "
                + "learningRate 2)");
        file(List.of(withCurve(r, new RunsFile.Curve(List.of(20, 10), List.of(1.0, 1.0), List.of(0.0, 0.0),
                List.of(0.1, 0.1))))).write(path);
        assertMessage(path, path + ": runs[0].curve (k): minibatch[1] is 10; minibatches must increase from 1 to the "
                + "run's minibatchesDone (30)");
        file(List.of(withCurve(r, new RunsFile.Curve(List.of(10, 40), List.of(1.0, 1.0), List.of(0.0, 0.0),
                List.of(0.1, 0.1))))).write(path);
        assertMessage(path, path + ": runs[0].curve (k): minibatch[1] is 40; minibatches must increase from 1 to the "
                + "run's minibatchesDone (30)");
    }

    @Test
    void versionOneFilesWithoutCurvesStillRead() throws Exception {
        // a runs file exported before curves existed: format version 1, no "curve" (the C6 runs file
        // as committed at c97afae, kept here because the one in docs/results is exported anew)
        Path v1 = Path.of(getClass().getResource("c6-protocol-v1.runs.json").toURI());
        RunsFile f = RunsFile.read(v1);
        assertEquals(1, f.formatVersion());
        assertEquals(6, f.runs().size());
        assertTrue(f.runs().stream().allMatch(run -> run.curve() == null));
    }

    private static void assertMessage(Path path, String expected) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> RunsFile.read(path)).getMessage());
    }
}
