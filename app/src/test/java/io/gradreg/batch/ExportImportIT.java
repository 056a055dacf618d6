package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static io.gradreg.batch.Gradreg.concat;
import static io.gradreg.batch.Gradreg.ok;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results travel between machines: two shards of one experiment trained in two embedded stores that
 * never shared a database, exported, and imported into a third store (PostgreSQL when the tests
 * have one), give the same report as one store that trained every run. Importing again changes nothing; a conflicting or tampered file is
 * refused with nothing written.
 */
class ExportImportIT {

    private static final String[] JOB = {"run", "quickstart", "-p", "runs=2", "-p", "minibatches=30", "-p",
        "train-sizes=10/class", "-p", "partitions=1", "-p", "curve-every=10", "--experiment-id", "travel"};
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shardsFromTwoStoresCombineIntoTheReportOfOneStore(@TempDir Path dir) throws Exception {
        Gradreg laptop = store(dir, "laptop");
        Gradreg server = store(dir, "server");
        Gradreg everything = store(dir, "everything");
        // the store that merges is PostgreSQL when the tests have one (GRADREG_TEST_PG_URL; CI does)
        Gradreg merged = System.getenv("GRADREG_TEST_PG_URL") == null ? store(dir, "merged")
                : PipelineIT.gradreg("postgresql", Files.createDirectories(dir.resolve("merged")));
        ok(laptop.run(args("--shard", "0/2")));
        // the server runs two at a time: how a job runs is not what it trains, so the shards still merge
        String[] twoAtATime = args("--shard", "1/2");
        twoAtATime[java.util.Arrays.asList(twoAtATime).indexOf("partitions=1")] = "partitions=2";
        ok(server.run(twoAtATime));
        ok(everything.run(args("--shard", "0/1")));

        Path laptopRuns = dir.resolve("laptop.runs.json");
        Path serverRuns = dir.resolve("server.runs.json");
        assertTrue(ok(laptop.run("export", "--experiment", "travel", "-o", laptopRuns.toString())).out()
                .contains("exported 3 finished runs (3 evaluated, 0 failed) of experiment 'travel'"));
        ok(server.run("export", "--experiment", "travel", "-o", serverRuns.toString()));
        JsonNode file = JSON.readTree(laptopRuns.toFile());
        JsonNode run = file.get("runs").get(0);
        for (String field : List.of("key", "architecture", "regularizer", "weight", "trainSize", "seed", "subsetSha256",
                "testAccuracy", "testLoss", "finalLoss", "finalPenalty", "minibatchesDone", "trainSeconds", "trainedBy")) {
            assertTrue(run.hasNonNull(field), field + " missing in " + run);
        }
        // the build, then the thread settings the run trained with (a result depends on them)
        assertTrue(run.get("trainedBy").asText().matches("\\S+ [0-9a-f]{40}( dirty)? with intra-op threads 1, "
                + "OMP_NUM_THREADS=1, MKL_NUM_THREADS=1, ATEN_CPU_CAPABILITY.*"), run.toString());
        assertEquals("[10,20,30]", run.get("curve").get("minibatch").toString(), "the run's curve travels: " + run);

        Gradreg.Result first = ok(merged.run("import", laptopRuns.toString()));
        assertTrue(first.out().contains("3 recorded, 0 already present; 3 of 6 planned runs finished"), first.out());
        // half imported: the report names the runs still missing, and exits 1
        Gradreg.Result half = merged.run("report", "--experiment", "travel");
        assertEquals(1, half.exit(), half.out() + half.err());
        assertTrue(half.out().contains("## Missing runs"), half.out());

        // a file of an older build: its fingerprint still counted the execution-only parameters
        ObjectNode legacy = (ObjectNode) JSON.readTree(serverRuns.toFile());
        java.util.Properties parameters = new java.util.Properties();
        legacy.get("job").get("parameters").fields().forEachRemaining(e -> parameters.setProperty(e.getKey(),
                e.getValue().asText()));
        assertEquals("2", parameters.getProperty("partitions"));
        ((ObjectNode) legacy.get("job")).put("fingerprint", io.gradreg.plan.Sharding.legacyFingerprint(
                legacy.get("job").get("xml").asText(), parameters));
        Path legacyRuns = dir.resolve("legacy.runs.json");
        JSON.writeValue(legacyRuns.toFile(), legacy);

        Gradreg.Result second = ok(merged.run("import", serverRuns.toString(), laptopRuns.toString()));
        assertTrue(second.out().contains("3 recorded, 0 already present; 6 of 6 planned runs finished"), second.out());
        assertTrue(second.out().contains("0 recorded, 3 already present; 6 of 6 planned runs finished"), second.out());
        assertTrue(ok(merged.run("import", legacyRuns.toString())).out().contains("0 recorded, 3 already present"));
        String status = ok(merged.run("status")).out();
        assertTrue(status.lines().anyMatch(l -> l.matches("travel +\\d+ +quickstart +6/6")), status);

        // the same report, training curves included, whether trained here or imported
        JsonNode mergedReport = comparable(ok(merged.run("report", "--experiment", "travel", "-f", "json")).out());
        assertEquals("[2,2,2]", mergedReport.get("cells").get(0).get("curve").get("runs").toString(), mergedReport.toString());
        assertEquals(comparable(ok(everything.run("report", "--experiment", "travel", "-f", "json")).out()), mergedReport);
        assertEquals(ok(everything.run("report", "--experiment", "travel", "-f", "csv")).out(),
                ok(merged.run("report", "--experiment", "travel", "-f", "csv")).out());

        // the merged store exports what it holds, and that file rebuilds the report in yet another store
        Path all = dir.resolve("all.runs.json");
        ok(merged.run("export", "--experiment", "travel", "-o", all.toString()));
        Gradreg again = store(dir, "again");
        ok(again.run("import", all.toString()));
        assertEquals(ok(everything.run("report", "--experiment", "travel", "-f", "csv")).out(),
                ok(again.run("report", "--experiment", "travel", "-f", "csv")).out());
    }

    /**
     * A job run without shards is called by its experiment's name while the name is its own in the
     * store; another experiment of that name with other parameters gets the name and a hash, and
     * {@code -p experiment=NAME} names one. Each exports under its id and imports back as the same
     * experiment.
     */
    @Test
    void anExperimentIsCalledByItsNameWhileTheNameIsItsOwn(@TempDir Path dir) throws Exception {
        Gradreg store = store(dir, "plain");
        String[] small = {"run", "quickstart", "-p", "runs=1", "-p", "train-sizes=10/class"};
        ok(store.run(concat(small, "-p", "minibatches=20")));                          // execution 1
        ok(store.run(concat(small, "-p", "minibatches=21")));                          // 2: other parameters
        ok(store.run(concat(small, "-p", "minibatches=20", "-p", "experiment=mine"))); // 3: its own name
        ok(store.run(concat(small, "-p", "minibatches=20")));                          // 4: the same as 1

        String[] ids = new String[5];
        for (int execution = 1; execution <= 4; execution++) {
            String exported = ok(store.run("export", String.valueOf(execution), "-o",
                    dir.resolve(execution + ".runs.json").toString())).out();
            var id = java.util.regex.Pattern.compile("experiment '([^']+)'").matcher(exported);
            assertTrue(id.find(), exported);
            ids[execution] = id.group(1);
        }
        assertEquals("quickstart", ids[1]);
        assertTrue(ids[2].matches("quickstart-[0-9a-f]{12}"), ids[2]);
        assertEquals("mine", ids[3]);
        assertEquals("quickstart", ids[4], "the same job and parameters: the same experiment name");

        String status = ok(store.run("status")).out();
        for (int execution = 1; execution <= 4; execution++) {
            String row = "^" + execution + " +" + execution + " +quickstart +" + java.util.regex.Pattern.quote(ids[execution])
                    + " +COMPLETED +3/3 .*";
            assertTrue(status.lines().anyMatch(l -> l.matches(row)), row + "\n" + status);
        }

        assertTrue(ok(store.run("import", dir.resolve("1.runs.json").toString())).out().contains("0 recorded, 3 already present"),
                "the same runs, not a copy");
        assertEquals(ok(store.run("report", "4", "-f", "csv")).out(),
                ok(store.run("report", "--experiment", "quickstart", "-f", "csv")).out(), "the most recent of the name");
        assertEquals(ok(store.run("report", "2", "-f", "csv")).out(),
                ok(store.run("report", "--experiment", ids[2], "-f", "csv")).out());
        assertEquals(ok(store.run("report", "3", "-f", "csv")).out(),
                ok(store.run("report", "--experiment", "mine", "-f", "csv")).out());
    }

    @Test
    void aConflictingOrTamperedFileIsRefusedWithNothingWritten(@TempDir Path dir) throws Exception {
        Gradreg a = store(dir, "a");
        Gradreg b = store(dir, "b");
        ok(a.run(args("--shard", "0/2")));
        // the same experiment id, trained with another SpectReg weight elsewhere
        ok(b.run(concat(args("--shard", "0/2"), "-p", "weight.spectreg=0.02")));
        Path aRuns = dir.resolve("a.runs.json");
        Path bRuns = dir.resolve("b.runs.json");
        ok(a.run("export", "--experiment", "travel", "-o", aRuns.toString()));
        ok(b.run("export", "--experiment", "travel", "-o", bRuns.toString()));

        Gradreg.Result conflict = a.run("import", bRuns.toString());
        assertEquals(2, conflict.exit(), conflict.err());
        assertTrue(conflict.errorLine().matches("gradreg: run baseline/spectreg/10/class#0 in .*b\\.runs\\.json "
                + "\\(baseline, spectreg weight 0\\.02 .*\\) conflicts with the run stored under experiment 'travel' .*"
                + "\\(baseline, spectreg weight 0\\.01 .*\\); nothing was imported\\..*"), conflict.errorLine());
        assertTrue(!conflict.err().contains("\tat "), "no stack trace: " + conflict.err());

        // a tampered accuracy is caught by the schema check; a tampered seed by the plan check
        ObjectNode tampered = (ObjectNode) JSON.readTree(aRuns.toFile());
        ((ObjectNode) tampered.get("runs").get(0)).put("seed", 7);
        Path bad = dir.resolve("bad.runs.json");
        JSON.writeValue(bad.toFile(), tampered);
        Gradreg c = store(dir, "c");
        Gradreg.Result refused = c.run("import", bad.toString());
        assertEquals(2, refused.exit(), refused.err());
        assertTrue(refused.errorLine().contains("run baseline/none/10/class#0 has seed 7, but its job plans"),
                refused.errorLine());
        Gradreg.Result notAFile = c.run("import", dir.resolve("a").toString());
        assertEquals(2, notAFile.exit(), notAFile.err());
        Gradreg.Result empty = c.run("report", "--experiment", "travel");
        assertEquals(2, empty.exit(), "nothing was imported: " + empty.out() + empty.err());
    }

    private static Gradreg store(Path dir, String name) throws Exception {
        Path work = Files.createDirectories(dir.resolve(name));
        return new Gradreg(work, Map.of());
    }

    private static String[] args(String... more) {
        return concat(JOB, more);
    }


    /** The report without what differs between stores by nature: instance numbers and training times. */
    private static JsonNode comparable(String json) throws Exception {
        ObjectNode report = (ObjectNode) JSON.readTree(json);
        report.remove("jobInstance");
        for (JsonNode run : report.get("runs")) {
            ((ObjectNode) run).remove("trainSeconds");
        }
        return report;
    }
}
