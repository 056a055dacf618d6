package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: a small job is SIGKILLed at many moments (while the JVM starts, while a restart
 * prepares, in every step: sample, train, evaluate, report) and restarted after each kill with the
 * command a user would type ({@code gradreg restart} of the latest execution, or {@code gradreg run}
 * again when no execution was created yet). At the end every planned run is recorded exactly once,
 * and the results and the report are those of an uninterrupted run of the same job, to the last
 * digit: runs are deterministic, and resumed training continues the checkpointed state exactly.
 *
 * <p>Kill moments are drawn from a seeded {@link Random}; the seed is printed, and
 * {@code -Dgradreg.test.kill-seed=N} replays a sequence. A step is targeted by watching JBeret's
 * step records in the embedded database; the phase a kill actually hit is read back afterwards
 * (the killed execution's step record stays STARTED), so the coverage asserted is the real one.
 */
class KillAnywhereIT {

    private static final String[] JOB = {"quickstart", "-p", "regularizers=none spectreg", "-p", "runs=2", "-p",
        "train-sizes=10/class", "-p", "minibatches=200", "-p", "checkpoint-every=10", "-p", "partitions=1"};
    private static final int KILLS = 20;
    private static final List<String> STEPS = List.of("sample", "train", "evaluate", "report");

    @Test
    void killedAtAnyMomentAndRestartedTheJobEndsAsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("gradreg.test.kill-seed", System.nanoTime());
        System.out.println("KillAnywhereIT: kill seed " + seed + " (replay with -Dgradreg.test.kill-seed=" + seed + ")");
        Random random = new Random(seed);
        Files.createDirectories(dir.resolve("straight"));
        Files.createDirectories(dir.resolve("killed"));
        Gradreg straight = new Gradreg(dir.resolve("straight"), Map.of());
        Gradreg g = new Gradreg(dir.resolve("killed"), Map.of("GRADREG_RUN_LEASE_SECONDS", "4"));
        // the uninterrupted reference runs beside the kills (two cores: one each)
        Process reference = straight.builder(run()).redirectOutput(dir.resolve("straight.out").toFile())
                .redirectError(dir.resolve("straight.err").toFile()).start();

        Map<String, Integer> hits = new TreeMap<>();
        List<String> log = new ArrayList<>();
        int kills = 0;
        int cycle = 0;
        int fresh = 0;
        while (kills < KILLS || !hits.keySet().containsAll(STEPS)) { // at least KILLS, and every step hit
            assertTrue(cycle++ < 4 * KILLS, "no way to reach every step: " + hits + "\n" + String.join("\n", log));
            long before = latestExecution(g);
            g.closeIfServed(); // no process runs now: the next one opens and serves the database itself
            String[] command = before < 0 ? run() : new String[] {"restart", Long.toString(before)};
            Path err = dir.resolve("cycle-" + cycle + ".err");
            Process p = g.builder(command).redirectOutput(dir.resolve("cycle-" + cycle + ".out").toFile())
                    .redirectError(err.toFile()).start();
            String target = target(hits, kills, random);
            boolean killed = killAt(p, g, before, target, random);
            if (!killed) { // the job ended before the moment came: the restart finished it
                assertEquals(0, p.exitValue(), Files.readString(err));
                fail("the job finished after " + kills + " kills (" + hits + "); make it longer\n" + String.join("\n", log));
            }
            kills++;
            String phase = phaseOfKill(g, before);
            g.closeIfServed(); // so that the next process serves the database itself, and dies with it
            hits.merge(phase, 1, Integer::sum);
            log.add("kill " + kills + ": target " + target + ", hit " + phase + " (" + String.join(" ", command) + ")");
            if (target.equals("sample") && !phase.equals("sample") && !phase.equals("launch")) {
                // The sample step (a tenth of a second, once per job) went by unseen: start the job
                // afresh, in an empty store, so that the next kill can still land in it.
                assertTrue(++fresh <= 5, "the sample step was never caught\n" + String.join("\n", log));
                try (var files = Files.walk(g.workDir())) {
                    files.sorted(java.util.Comparator.reverseOrder()).filter(f -> !f.equals(g.workDir()))
                            .forEach(f -> f.toFile().delete());
                }
                log.add("(the sample step went by unseen: a fresh store)");
            }
        }
        // and now to the end, uninterrupted
        long last = latestExecution(g);
        g.closeIfServed();
        Gradreg.Result end = last < 0 ? g.run(run()) : g.run("restart", Long.toString(last));
        assertEquals(0, end.exit(), end.err() + "\n" + String.join("\n", log));
        System.out.println("KillAnywhereIT: " + kills + " kills " + hits);

        g.closeIfServed();
        assertTrue(reference.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, reference.exitValue(), Files.readString(dir.resolve("straight.err")));
        assertEquals(results(straight), results(g), "every run recorded once, with the uninterrupted run's results");
        Path a = dir.resolve("straight/reports/quickstart-1");
        Path b = dir.resolve("killed/reports/quickstart-1");
        assertEquals(Files.readString(a.resolve("report.md")), Files.readString(b.resolve("report.md")));
        assertEquals(Files.readString(a.resolve("report.csv")), Files.readString(b.resolve("report.csv")));
        assertEquals(withoutSeconds(Files.readString(a.resolve("report.json"))),
                withoutSeconds(Files.readString(b.resolve("report.json"))));
        straight.closeIfServed();
        g.closeIfServed();
    }

    private static String[] run() {
        String[] command = new String[JOB.length + 1];
        command[0] = "run";
        System.arraycopy(JOB, 0, command, 1, JOB.length);
        return command;
    }

    /**
     * Where the next kill goes, in the job's order so that each phase is reached with work left:
     * the sample step, then training (at a step's moment, at any moment, or while the JVM starts),
     * then evaluation and reporting twice each, then launches.
     */
    private static String target(Map<String, Integer> hits, int kills, Random random) {
        if (!hits.containsKey("sample")) {
            return "sample";
        }
        if (kills < KILLS - 5) {
            return List.of("train", "train", "anytime", "launch").get(random.nextInt(4));
        }
        for (String step : List.of("evaluate", "report")) {
            if (hits.getOrDefault(step, 0) < 2) {
                return step;
            }
        }
        return "launch";
    }

    /**
     * SIGKILLs {@code p} when {@code target} comes: a step of the execution it creates (or a later
     * step, if the job is past it), then at a random moment of the step (train and evaluate last
     * seconds, sample and report a tenth of one); at any moment of its first six seconds
     * ({@code anytime}); or while the JVM starts ({@code launch}). False if the process ended first.
     */
    private static boolean killAt(Process p, Gradreg g, long before, String target, Random random) throws Exception {
        try (Watch watch = new Watch()) {
            return killAt(p, g, before, target, random, watch);
        }
    }

    /** One connection to the job's database, kept while a process is watched: a step lasts a tenth of a second. */
    private static final class Watch implements AutoCloseable {
        Connection connection;

        @Override
        public void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    // its server was killed
                }
            }
        }
    }

    private static boolean killAt(Process p, Gradreg g, long before, String target, Random random, Watch watch)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        if (target.equals("anytime")) {
            Thread.sleep(random.nextInt(6000));
        } else if (target.equals("launch")) {
            Thread.sleep(random.nextInt(1500));
        } else {
            while (true) {
                String step = runningStep(watch, g, before);
                if (step != null && STEPS.indexOf(step) >= STEPS.indexOf(target)) {
                    break;
                }
                if (!p.isAlive()) {
                    return false;
                }
                assertTrue(System.nanoTime() < deadline, "step " + target + " never started");
                Thread.sleep(2);
            }
            if (target.equals("train")) {
                Thread.sleep(random.nextInt(1500));
            }
            // the evaluate step is brief: each run is evaluated in the train step as soon as it is
            // trained, and the step evaluates only runs a kill left trained; it is killed on sight
        }
        if (!p.isAlive()) {
            return false;
        }
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return true;
    }

    /** The step that the execution newer than {@code before} runs now, if any. */
    private static String runningStep(Watch watch, Gradreg g, long before) {
        if (!Files.exists(g.workDir().resolve("gradreg.mv.db"))) {
            return null; // let gradreg create (and serve) the embedded database
        }
        try {
            if (watch.connection == null) {
                watch.connection = g.connect();
            }
            try (Statement s = watch.connection.createStatement();
                    ResultSet rs = s.executeQuery("SELECT STEPNAME FROM STEP_EXECUTION WHERE BATCHSTATUS = 'STARTED' "
                            + "AND JOBEXECUTIONID = (SELECT MAX(JOBEXECUTIONID) FROM JOB_EXECUTION) AND JOBEXECUTIONID > "
                            + before)) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            watch.close(); // tables not created yet, or the server went away: connect again next time
            watch.connection = null;
            return null;
        }
    }

    /** What the killed process was doing: a step of its execution, or "launch" before it had one. */
    private static String phaseOfKill(Gradreg g, long before) throws Exception {
        long after = latestExecution(g);
        if (after <= before) {
            return "launch";
        }
        try (Connection c = g.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT STEPNAME FROM STEP_EXECUTION WHERE BATCHSTATUS = 'STARTED' "
                        + "AND JOBEXECUTIONID = " + after)) {
            return rs.next() ? rs.getString(1) : "between steps";
        }
    }

    private static long latestExecution(Gradreg g) {
        if (!Files.exists(g.workDir().resolve("gradreg.mv.db"))) {
            return -1;
        }
        try (Connection c = g.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MAX(JOBEXECUTIONID) FROM JOB_EXECUTION")) {
            rs.next();
            long id = rs.getLong(1);
            return rs.wasNull() ? -1 : id;
        } catch (SQLException e) {
            return -1; // no tables yet
        }
    }

    /** Every recorded run: key -> status, minibatches, test accuracy and loss, final loss and penalty. */
    private static Map<String, String> results(Gradreg g) throws Exception {
        Map<String, String> runs = new HashMap<>();
        try (Connection c = g.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT run_key, status, minibatches_done, test_accuracy, test_loss, "
                        + "final_loss, final_penalty FROM gradreg_run")) {
            while (rs.next()) {
                String row = rs.getString(2) + " " + rs.getInt(3) + " " + rs.getDouble(4) + " " + rs.getDouble(5) + " "
                        + rs.getDouble(6) + " " + rs.getDouble(7);
                assertEquals(null, runs.put(rs.getString(1), row), "run " + rs.getString(1) + " recorded twice");
            }
        }
        assertEquals(4, runs.size(), "every planned run recorded: " + runs);
        return runs;
    }

    private static String withoutSeconds(String json) {
        return json.replaceAll("\"trainSeconds\" : [0-9.E-]+", "\"trainSeconds\" : _");
    }
}
