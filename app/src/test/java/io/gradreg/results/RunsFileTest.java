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

    static final String SUBSET = "ab12".repeat(16);

    static RunsFile.Run run(String key, String status, Double accuracy) {
        return new RunsFile.Run(key, "baseline", "none", 0.0, "10/class", 0, 1L, SUBSET, 30, 30, status, accuracy,
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
        Files.writeString(path, "{\"format\": \"gradreg-runs\", \"formatVersion\": 4}");
        assertMessage(path, path + " has format version 4; this gradreg reads versions 1 to 3 (export it again with "
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
    void measuresReadBackAndAreAbsentWhenARunHasNone(@TempDir Path dir) throws Exception {
        RunsFile.Run r = run("baseline/none/10/class#0", "EVALUATED", 0.9);
        RunsFile.Run measured = new RunsFile.Run(r.key(), r.architecture(), r.regularizer(), r.weight(), r.trainSize(),
                r.runIndex(), r.seed(), r.subsetSha256(), r.minibatches(), r.minibatchesDone(), r.status(),
                r.testAccuracy(), r.testLoss(), r.finalLoss(), r.finalPenalty(), r.trainSeconds(), r.message(),
                r.trainedBy(), null, Map.of("fgsm@0.1", 0.41, "gradnorm", 2.5), null);
        Path path = write(dir, file(List.of(measured, run("baseline/none/10/class#1", "EVALUATED", 0.8))));
        RunsFile back = RunsFile.read(path);
        assertEquals(Map.of("fgsm@0.1", 0.41, "gradnorm", 2.5), back.runs().get(0).measures());
        assertEquals(null, back.runs().get(1).measures());
        String text = Files.readString(path);
        assertEquals(1, text.split("\"measures\"", -1).length - 1, "written only for the run that has them");
        // a version 2 file (before measures) reads as it is
        Files.writeString(path, text.replace("\"formatVersion\" : 3", "\"formatVersion\" : 2")
                .replaceAll(",\\s*\"measures\" : \\{[^}]*\\}", ""));
        assertTrue(RunsFile.read(path).runs().stream().allMatch(run -> run.measures() == null));
        Files.writeString(path, text.replace("\"gradnorm\" : 2.5", "\"gradnorm\" : \"Infinity\""));
        assertThrows(IllegalArgumentException.class, () -> RunsFile.read(path));
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

    @Test
    void valuesFromOutsideAreCheckedBeforeAnythingIsTrusted(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("u.runs.json");
        String good = new String(Files.readAllBytes(write(dir, file(List.of(run("k", "EVALUATED", 0.9))))));
        // a NaN accuracy, as a string Jackson would coerce to a double
        Files.writeString(path, good.replace("\"testAccuracy\" : 0.9", "\"testAccuracy\" : \"NaN\""));
        assertMessage(path, path + ": runs[0] (k) is EVALUATED but its \"testAccuracy\" is NaN (a fraction in [0, 1])");
        Files.writeString(path, good.replace("\"minibatches\" : 30", "\"minibatches\" : -30"));
        assertMessage(path, path + ": runs[0] (k): \"minibatches\" is -30.0; it must be a finite number of at least 1");
        Files.writeString(path, good.replace("\"trainSeconds\" : 1.5", "\"trainSeconds\" : -1.5"));
        assertMessage(path, path + ": runs[0] (k): \"trainSeconds\" is -1.5; it must be a finite number of at least 0");
        Files.writeString(path, good.replace("\"experimentId\" : \"e1\"", "\"experimentId\" : \"e1\\u001b[2J\""));
        assertMessage(path, path + ": field \"experimentId\" holds a control character");
        Files.writeString(path, good.replace("\"formatVersion\" : " + RunsFile.VERSION, "\"formatVersion\" : 2.5"));
        assertStartsWith(path, path + " is not a gradreg runs file: Cannot coerce Floating-point value (2.5)");
        Files.writeString(path, good.replace("\"experiment\" : \"quickstart\"", "\"experiment\" : \"quickstart\", "
                + "\"experiment\" : \"other\""));
        assertStartsWith(path, path + " is not a gradreg runs file: Duplicate field 'experiment'");
        Files.writeString(path, good.replace("\"exportedBy\" : \"0.1.0 abc\",", ""));
        assertMessage(path, path + ": field \"exportedBy\" is missing");
        Files.writeString(path, good.replace("\"file\" : \"quickstart.xml\",", ""));
        assertMessage(path, path + ": field \"job.file\" is missing");
        Files.writeString(path, good.replace("\"runs\" : \"1\"", "\"runs\" : \"1\\nexperiment=x\""));
        assertMessage(path, path + ": job parameter 'runs' is missing or holds a control character");
        RunsFile.Curve infinite = new RunsFile.Curve(List.of(10), List.of(Double.POSITIVE_INFINITY), List.of(0.0),
                List.of(0.1));
        file(List.of(withCurve(run("k", "EVALUATED", 0.9), infinite))).write(path);
        assertStartsWith(path, path + ": runs[0].curve (k): point 0 (minibatch 10) has loss Infinity");
    }

    @Test
    void aLargeFileIsCheckedInLinearTime(@TempDir Path dir) throws Exception {
        // 100,000 runs (the most a plan holds), the last a duplicate: the old pairwise search took minutes
        List<RunsFile.Run> runs = new java.util.ArrayList<>();
        for (int i = 0; i < RunsFile.MAX_RUNS - 1; i++) {
            runs.add(run("baseline/none/10/class#" + i, "EVALUATED", 0.9));
        }
        runs.add(run("baseline/none/10/class#0", "EVALUATED", 0.9));
        Path path = write(dir, file(runs));
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> assertMessage(path, path + ": run baseline/none/10/class#0 appears twice"));
        runs.add(run("baseline/none/10/class#x", "EVALUATED", 0.9));
        Path tooMany = write(dir, file(runs));
        assertMessage(tooMany, tooMany + ": it holds 100001 runs; an experiment plans at most 100000");
    }

    @Test
    void theCommittedRunsFilesPassEveryCheck() throws Exception {
        try (var files = Files.walk(Path.of("docs/results"))) {
            List<Path> runsFiles = files.filter(f -> f.toString().endsWith(".runs.json")).sorted().toList();
            // the paper's three tables are always there; ablations and sweeps come and go with the results
            for (String table : List.of("c2-dropout-batchnorm/c2-protocol", "c4-train-size/c4-protocol",
                    "c6-jacobian-norms/c6-protocol")) {
                assertTrue(runsFiles.contains(Path.of("docs/results", table + ".runs.json")),
                        table + " missing from " + runsFiles);
            }
            for (Path f : runsFiles) {
                // every committed file is a whole experiment: at least two cells of five seeds
                assertTrue(RunsFile.read(f).runs().size() >= 10, f.toString());
            }
        }
    }

    private static Path write(Path dir, RunsFile f) throws Exception {
        Path path = Files.createTempFile(dir, "f", ".runs.json");
        f.write(path);
        return path;
    }

    private static void assertStartsWith(Path path, String expected) {
        String message = assertThrows(IllegalArgumentException.class, () -> RunsFile.read(path)).getMessage();
        assertTrue(message.startsWith(expected), message);
    }

    private static void assertMessage(Path path, String expected) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> RunsFile.read(path)).getMessage());
    }
}
