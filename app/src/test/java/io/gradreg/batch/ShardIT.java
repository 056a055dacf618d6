package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sharding on a real PostgreSQL server ({@code GRADREG_TEST_PG_URL}; {@code .ci/run} starts one):
 * three shard processes of one experiment start together, with a duplicate of shard 0 (Kubernetes
 * may briefly run two pods of one index); one is SIGKILLed in the middle of a run and started
 * again, as Kubernetes restarts a failed pod of an Indexed Job (same index, new process, nothing
 * local kept). Every planned run must then be recorded exactly once, trained exactly once (JBeret's
 * partition records say which partitions trained and which found their run already done), by the
 * shard that owns it, the interrupted run resumed from its checkpoint in the database, and the
 * report complete.
 */
class ShardIT {

    private static final int SHARDS = 3;
    private static final int MINIBATCHES = 200;
    private static final int CHECKPOINT_EVERY = 25;
    private static final String[] JOB = {"run", "quickstart", "-p", "regularizers=none", "-p", "runs=6", "-p",
        "minibatches=" + MINIBATCHES, "-p", "checkpoint-every=" + CHECKPOINT_EVERY, "-p", "partitions=1"};

    private final List<Process> shards = new ArrayList<>();

    @AfterEach
    void stopLeftovers() {
        shards.forEach(Process::destroyForcibly);
    }

    @Test
    void shardsRecordEveryRunOnceAndAKilledShardFinishesItsShareAfterARestart(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(System.getenv("GRADREG_TEST_PG_URL") != null, "needs GRADREG_TEST_PG_URL");
        Gradreg base = PipelineIT.gradreg("postgresql", dir);
        Map<String, String> env = new HashMap<>(base.env());
        env.put("GRADREG_RUN_LEASE_SECONDS", "4"); // a dead shard's runs are taken over after 4 s

        // Shards 0 and 1 by option, shard 2 as a Kubernetes Indexed Job pod sees it: by environment.
        for (int i = 0; i < SHARDS; i++) {
            Map<String, String> shardEnv = new HashMap<>(env);
            List<String> args = new ArrayList<>(List.of(JOB));
            if (i < 2) {
                args.addAll(List.of("--shard", i + "/" + SHARDS));
            } else {
                shardEnv.put("JOB_COMPLETION_INDEX", Integer.toString(i));
                shardEnv.put("GRADREG_SHARDS", Integer.toString(SHARDS));
            }
            shards.add(start(new Gradreg(dir.resolve("pod-" + i), shardEnv), args, "first"));
        }
        Process duplicate = start(new Gradreg(dir.resolve("pod-0-duplicate"), env), concat(JOB, "--shard", "0/" + SHARDS),
                "first");
        shards.add(duplicate);

        // Kill shard 1 once one of its runs is past a checkpoint but not trained.
        Process victim = shards.get(1);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        String interrupted = null;
        while (interrupted == null) {
            assertTrue(System.nanoTime() < deadline, "shard 1 made no progress: " + log(dir, 1, "first"));
            assertTrue(victim.isAlive(), "shard 1 ended before it could be killed: " + log(dir, 1, "first"));
            interrupted = query(base, "SELECT run_key FROM gradreg_run WHERE MOD(plan_order, " + SHARDS + ") = 1 "
                    + "AND status = 'TRAINING' AND minibatches_done >= " + CHECKPOINT_EVERY).stream().findFirst().orElse(null);
            Thread.sleep(100);
        }
        victim.destroyForcibly(); // SIGKILL
        assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, victim.exitValue());
        String experiment = query(base, "SELECT experiment_id FROM gradreg_experiment").get(0);

        // Meanwhile the report names what is missing and exits 1.
        Gradreg.Result partial = base.run("report", "--experiment", experiment);
        assertEquals(1, partial.exit(), partial.err());
        assertTrue(partial.errorLine().matches("gradreg: \\d+ of 6 runs are not finished: .*"), partial.err());
        assertTrue(partial.errorLine().contains(interrupted), partial.err());
        assertTrue(partial.out().contains("## Missing runs"), partial.out());

        // Kubernetes starts the failed index again: same command and environment, a new process and directory.
        Process again = start(new Gradreg(dir.resolve("pod-1-again"), env),
                concat(JOB, "--shard", "1/" + SHARDS), "again");
        shards.add(again);
        for (int i : new int[] {0, 2}) {
            assertEquals(0, exit(shards.get(i)), log(dir, i, "first"));
        }
        assertEquals(0, exit(duplicate), Files.readString(dir.resolve("pod-0-duplicate/first.err")));
        assertEquals(0, exit(again), log(dir, 1, "again"));

        assertEquals(List.of(experiment), query(base, "SELECT experiment_id FROM gradreg_experiment"),
                "the shards, started alike, derive one experiment id");
        assertEquals(List.of("6"), query(base, "SELECT COUNT(*) FROM gradreg_run"), "every planned run recorded");
        assertEquals(List.of("6"), query(base, "SELECT COUNT(DISTINCT run_key) FROM gradreg_run"), "and once");
        assertEquals(List.of(), query(base, "SELECT run_key FROM gradreg_run WHERE status <> 'EVALUATED' "
                + "OR minibatches_done <> " + MINIBATCHES + " OR test_accuracy IS NULL"), "every run trained and evaluated");
        // Each run was trained by an execution of the shard that owns it (plan order modulo 3).
        assertEquals(List.of(), query(base, "SELECT r.run_key FROM gradreg_run r "
                + "JOIN job_execution e ON e.jobexecutionid = r.job_execution_id "
                + "JOIN gradreg_shard s ON s.instance_id = e.jobinstanceid "
                + "WHERE MOD(r.plan_order, " + SHARDS + ") <> s.shard_index"), "runs trained by their own shard");
        List<String> resumed = query(base, "SELECT resumed_from FROM gradreg_run WHERE run_key = '" + interrupted + "'");
        assertTrue(Integer.parseInt(resumed.get(0)) >= CHECKPOINT_EVERY,
                interrupted + " resumes from its checkpoint in the database, resumed from " + resumed);
        assertEquals(List.of("5"), query(base, "SELECT COUNT(*) FROM gradreg_shard"), "five shard executions joined");
        // a partition ends TRAINED, or EVALUATED when it evaluated its run at once (every run now)
        assertEquals(List.of("6"), query(base, "SELECT COUNT(*) FROM partition_execution "
                + "WHERE exitstatus IN ('TRAINED', 'EVALUATED')"),
                "each of the 6 runs trained to the end once, whatever the duplicate and the restart did");
        assertEquals(List.of("0"), query(base, "SELECT COUNT(*) FROM gradreg_checkpoint"), "no checkpoint left over");

        Gradreg.Result report = base.run("report", "--experiment", experiment, "--format", "csv");
        assertEquals(0, report.exit(), report.err());
        assertEquals(2, report.out().lines().count(), report.out()); // header and one cell of 6 runs
        assertTrue(report.out().lines().skip(1).allMatch(l -> l.matches("quickstart,baseline,50/class,none,paper,0,0,6,6,0,.*")),
                report.out());
        Gradreg.Result md = base.run("report", executionOf(log(dir, 1, "again")));
        assertEquals(0, md.exit(), md.err());
        assertFalse(md.out().contains("Missing runs"), md.out());
        assertTrue(md.out().contains("| baseline | 50/class |"), md.out());
    }

    /** Exit code; fails with a thread dump if still running after 5 minutes. */
    private static int exit(Process p) throws Exception {
        if (p.waitFor(5, TimeUnit.MINUTES)) {
            return p.exitValue();
        }
        Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
        String dump = Files.isExecutable(jstack)
                ? new String(new ProcessBuilder(jstack.toString(), Long.toString(p.pid())).redirectErrorStream(true)
                        .start().getInputStream().readAllBytes())
                : "(no jstack)";
        throw new AssertionError("shard process " + p.pid() + " still running after 5 minutes:\n" + dump);
    }

    private static Process start(Gradreg g, List<String> args, String name) throws Exception {
        Files.createDirectories(g.workDir());
        return g.builder(args.toArray(String[]::new))
                .redirectOutput(g.workDir().resolve(name + ".out").toFile())
                .redirectError(g.workDir().resolve(name + ".err").toFile()).start();
    }

    private static String log(Path dir, int shard, String name) throws Exception {
        Path pod = dir.resolve(name.equals("again") ? "pod-1-again" : "pod-" + shard);
        return Files.readString(pod.resolve(name + ".err"));
    }

    private static String executionOf(String stderr) {
        var m = java.util.regex.Pattern.compile("job execution (\\d+) \\(instance").matcher(stderr);
        assertTrue(m.find(), stderr);
        return m.group(1);
    }

    private static List<String> concat(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all;
    }

    /** First column of every row; no rows while the tables do not exist yet. */
    private static List<String> query(Gradreg g, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = g.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        } catch (java.sql.SQLException e) {
            if (!"42P01".equals(e.getSQLState())) { // undefined table: not created yet
                throw e;
            }
        }
        return values;
    }
}
