package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job pipeline end to end, on the embedded H2 database and, when {@code GRADREG_TEST_PG_URL}
 * (with {@code GRADREG_TEST_PG_USER} / {@code GRADREG_TEST_PG_PASSWORD}) names a PostgreSQL server,
 * on PostgreSQL too; {@code .ci/run} starts one.
 */
class PipelineIT {

    /** Every Gradreg a test made, to close the embedded databases this JVM may serve before the temp dirs go. */
    private static final List<Gradreg> MADE = new java.util.ArrayList<>();

    @AfterEach
    void closeServedDatabases() throws Exception {
        for (Gradreg g : MADE) {
            g.closeIfServed();
        }
        MADE.clear();
    }

    static Stream<Arguments> databases() {
        Stream.Builder<Arguments> b = Stream.builder();
        b.add(Arguments.of("h2"));
        if (System.getenv("GRADREG_TEST_PG_URL") != null) {
            b.add(Arguments.of("postgresql"));
        }
        return b.build();
    }

    static Gradreg gradreg(String database, Path dir) throws Exception {
        Map<String, String> env = new HashMap<>();
        if (database.equals("postgresql")) {
            String schema = "t" + Long.toHexString(System.nanoTime());
            String base = System.getenv("GRADREG_TEST_PG_URL");
            env.put("GRADREG_DB_USER", System.getenv().getOrDefault("GRADREG_TEST_PG_USER", ""));
            env.put("GRADREG_DB_PASSWORD", System.getenv().getOrDefault("GRADREG_TEST_PG_PASSWORD", ""));
            try (Connection c = java.sql.DriverManager.getConnection(base, env.get("GRADREG_DB_USER"),
                    env.get("GRADREG_DB_PASSWORD")); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            env.put("GRADREG_DB_URL", base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        }
        Gradreg g = new Gradreg(dir, env);
        MADE.add(g);
        return g;
    }

    @ParameterizedTest
    @MethodSource("databases")
    void quickstartRunsToAReportAndStatusShowsIt(String database, @TempDir Path dir) throws Exception {
        Gradreg g = gradreg(database, dir);
        Gradreg.Result r = g.run("run", "quickstart", "-p", "runs=1", "-p", "minibatches=60");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("| architecture | train size | none | spectreg | doubleback |"), r.out());
        assertTrue(r.out().contains("| baseline | 50/class |"), r.out());
        Path reports = dir.resolve("reports/quickstart-1");
        for (String f : new String[] {"report.md", "report.csv", "report.json", "report.html"}) {
            assertTrue(Files.isRegularFile(reports.resolve(f)), f);
        }
        Gradreg.Result html = g.run("report", "1", "--format", "html");
        assertEquals(0, html.exit(), html.err());
        assertEquals(reports.resolve("report.html").toAbsolutePath().toString(), html.out().strip());
        assertTrue(Files.readString(reports.resolve("report.html")).contains("data-chart=\"curve\""),
                "the runs' training curves are drawn");
        Gradreg.Result csv = g.run("report", "1", "--format", "csv");
        assertEquals(0, csv.exit(), csv.err());
        assertEquals(4, csv.out().lines().count(), csv.out()); // header and three cells
        assertTrue(csv.out().lines().skip(1).allMatch(l -> l.startsWith("quickstart,baseline,50/class,")), csv.out());
        Gradreg.Result status = g.run("status", "1");
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().contains("execution 1 of job quickstart (instance 1): COMPLETED"), status.out());
        assertEquals(3, status.out().lines().filter(l -> l.startsWith("baseline/") && l.contains(" EVALUATED "))
                .count(), status.out());

        // a second experiment beside the first: one table and one chart, a row per experiment
        Gradreg.ok(g.run("run", "quickstart", "-p", "runs=1", "-p", "minibatches=60", "-p", "regularizers=none spectreg",
                "-p", "weight.spectreg=0.1"));
        Path claims = Files.writeString(dir.resolve("across.claims"), "stronger SpectReg | quickstart-2:baseline/spectreg "
                + "> quickstart-1:baseline/spectreg\n");
        Gradreg.Result compared = g.run("report", "--compare", "1", "2", "--claims", claims.toString());
        assertEquals(0, compared.exit(), compared.err());
        assertTrue(compared.out().startsWith("# comparison of quickstart-1, quickstart-2\n"), compared.out());
        assertTrue(compared.out().contains("| architecture | train size | none | spectreg | doubleback |"), compared.out());
        assertTrue(compared.out().contains("| quickstart-1:baseline | 50/class |"), compared.out());
        assertTrue(compared.out().contains("| quickstart-2:baseline | 50/class |"), compared.out());
        assertTrue(compared.out().contains("stronger SpectReg"), compared.out());
        Gradreg.Result comparedHtml = Gradreg.ok(g.run("report", "--compare", "1", "2", "-f", "html"));
        String page = Files.readString(Path.of(comparedHtml.out().strip()));
        assertTrue(page.contains("data-chart=\"accuracy\"") && page.contains("quickstart-2:baseline"), page);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void killedJobRestartsWithoutRetrainingFinishedRuns(String database, @TempDir Path dir) throws Exception {
        Gradreg g = gradreg(database, dir);
        Process p = g.builder("run", "quickstart", "-p", "regularizers=none spectreg", "-p", "runs=2", "-p",
                "minibatches=400", "-p", "checkpoint-every=50", "-p", "curve-every=20", "-p", "partitions=2")
                .redirectOutput(dir.resolve("run.out").toFile()).redirectError(dir.resolve("run.err").toFile()).start();
        // Wait until one run has finished training and another has a checkpoint, then SIGKILL.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            assertTrue(System.nanoTime() < deadline, "no progress: " + Files.readString(dir.resolve("run.err")));
            assertTrue(p.isAlive(), "the job ended before it could be killed: " + Files.readString(dir.resolve("run.err")));
            Map<String, Integer> state = database.equals("h2") && !Files.exists(dir.resolve("gradreg.mv.db"))
                    ? Map.of() : runs(g); // let the job open (and serve) the embedded database first
            if (state.values().stream().anyMatch(v -> v < 0)
                    && state.values().stream().anyMatch(v -> v >= 50 && v < 400)) {
                break;
            }
            Thread.sleep(200);
        }
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        Map<String, Integer> before = runs(g);
        long first = executionId(Files.readString(dir.resolve("run.err")));

        Gradreg.Result restart = g.run("restart", Long.toString(first));
        assertEquals(0, restart.exit(), restart.err());
        long second = executionId(restart.err());
        assertTrue(second != first);

        try (Connection c = g.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT run_key, status, job_execution_id, resumed_from, minibatches_done "
                        + "FROM gradreg_run ORDER BY run_key")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                String key = rs.getString(1);
                assertEquals("EVALUATED", rs.getString(2), key);
                assertEquals(400, rs.getInt(5), key);
                int progress = before.get(key);
                if (progress < 0) {
                    assertEquals(first, rs.getLong(3), key + " was trained before the kill and must not be trained again");
                } else if (progress >= 50) {
                    assertEquals(second, rs.getLong(3), key);
                    assertTrue(rs.getInt(4) >= 50, key + " must resume from its checkpoint, resumed from "
                            + rs.getObject(4));
                }
            }
            assertEquals(4, rows, "every planned run recorded exactly once");
            // each curve has every point once (20, 40, ..., 400), whether its run was killed or not
            ResultSet curves = s.executeQuery("SELECT run_key, COUNT(*), COUNT(DISTINCT minibatch), MIN(minibatch), "
                    + "MAX(minibatch), SUM(minibatch) FROM gradreg_curve GROUP BY run_key ORDER BY run_key");
            int withCurves = 0;
            while (curves.next()) {
                withCurves++;
                assertEquals(List.of(20, 20, 20, 400, 20 * (20 * 21 / 2)), List.of(curves.getInt(2), curves.getInt(3),
                        curves.getInt(4), curves.getInt(5), curves.getInt(6)), curves.getString(1));
            }
            assertEquals(4, withCurves);
        }
        Gradreg.Result report = g.run("report", Long.toString(second));
        assertEquals(0, report.exit(), report.err());
        assertFalse(report.out().contains("Missing runs"), report.out());
    }

    @Test
    void divergingRunsFailAloneAndTheReportShowsThem(@TempDir Path dir) throws Exception {
        Gradreg g = gradreg("h2", dir);
        Gradreg.Result r = g.run("run", "quickstart", "-p", "regularizers=none doubleback", "-p", "runs=1", "-p",
                "minibatches=40", "-p", "weight-convention=mean", "-p", "weight.doubleback=1e30", "-p", "learning-rate=5");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("## Failed runs"), r.out());
        assertTrue(r.out().contains("diverged at minibatch"), r.out());
        assertTrue(r.err().contains("gradreg: 1 of 2 runs failed"), r.err());
        assertTrue(r.out().matches("(?s).*\\| baseline \\| 50/class \\| \\d+\\.\\d\\d n=1 \\|.*"), r.out());
        // the weight is the parameter's, not the job file's, and the report says so
        assertTrue(r.out().contains("baseline/doubleback/50/class = 1" + "0".repeat(30)
                + " (overridden with -p; the job file says 50)"),
                r.out());
    }

    /**
     * SIGTERM (how Kubernetes evicts a pod) mid-run: the process saves a checkpoint at the current
     * minibatch, releases its claim and exits within gradreg.stop-seconds; a restart at once resumes
     * from that minibatch and ends where an uninterrupted run ends, to the last digit.
     */
    @Test
    void sigtermSavesTheCurrentMinibatchAndTheRestartEndsAsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        String[] job = {"run", "quickstart", "-p", "regularizers=spectreg", "-p", "runs=1", "-p", "minibatches=800",
            "-p", "checkpoint-every=250"};
        Files.createDirectories(dir.resolve("straight"));
        Files.createDirectories(dir.resolve("stopped"));
        Gradreg straight = gradreg("h2", dir.resolve("straight"));
        assertEquals(0, straight.run(job).exit());

        Gradreg g = gradreg("h2", dir.resolve("stopped"));
        Process p = g.builder(job).redirectOutput(dir.resolve("run.out").toFile())
                .redirectError(dir.resolve("run.err").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) { // past the first checkpoint (minibatch 250)
            assertTrue(System.nanoTime() < deadline, "no progress: " + Files.readString(dir.resolve("run.err")));
            assertTrue(p.isAlive(), Files.readString(dir.resolve("run.err")));
            Map<String, Integer> state = Files.exists(dir.resolve("stopped/gradreg.mv.db")) ? runs(g) : Map.of();
            if (state.values().stream().anyMatch(v -> v >= 250)) {
                break;
            }
            Thread.sleep(100);
        }
        Thread.sleep(1000);
        long signalled = System.nanoTime();
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the process ends");
        double seconds = (System.nanoTime() - signalled) / 1e9;
        assertTrue(seconds < 25, "stopped within gradreg.stop-seconds (20) and the JVM's exit: " + seconds + " s");
        assertEquals(143, p.exitValue(), "128 + SIGTERM");
        String err = Files.readString(dir.resolve("run.err"));
        assertTrue(err.contains("gradreg: SIGTERM: stopping; every training run saves its checkpoint"), err);
        assertTrue(err.contains("gradreg: job execution 1 ended STOPPED (STOPPED); continue it with 'gradreg restart 1'"),
                err);
        assertFalse(err.contains("\tat ") || err.contains("Exception") || err.contains("internal error"),
                "no stack trace, no shutdown under the partitions: " + err);
        int savedAt;
        try (Connection c = g.connect(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT minibatch FROM gradreg_checkpoint");
            assertTrue(rs.next(), "a checkpoint");
            savedAt = rs.getInt(1);
            assertTrue(savedAt > 250 && savedAt < 800, "saved at the minibatch it stopped at, not the last periodic "
                    + "checkpoint: " + savedAt);
            rs = s.executeQuery("SELECT COUNT(*) FROM gradreg_claim");
            assertTrue(rs.next());
            assertEquals(0, rs.getInt(1), "its claim released: a restart need not wait for the lease");
        }
        // the store says the run is stopped, not training; running the job again names the restart
        Gradreg.Result status = g.run("status", "1");
        assertTrue(status.out().matches("(?s).*\nbaseline/spectreg/50/class#0 +STOPPED .*"), status.out());
        String[] again = java.util.Arrays.copyOf(job, job.length + 1);
        again[job.length] = "--dry-run";
        Gradreg.Result dryRun = g.run(again);
        assertEquals(0, dryRun.exit(), dryRun.err());
        assertTrue(dryRun.err().contains("gradreg: note: job execution 1 of this job file with these parameters ended "
                + "unfinished (STOPPED); 'gradreg restart 1' continues it"), dryRun.err());
        Gradreg.Result restart = g.run("restart", "1");
        assertEquals(0, restart.exit(), restart.err());
        assertFalse(restart.err().contains("JBERET"), "no JBeret warning reaches the user: " + restart.err());
        assertFalse(Files.exists(dir.resolve("stopped/gradreg.trace.db")), "H2 writes no trace file");
        try (Connection a = straight.connect(); Connection b = g.connect();
                ResultSet ra = a.createStatement().executeQuery("SELECT test_accuracy, final_loss FROM gradreg_run");
                ResultSet rb = b.createStatement().executeQuery("SELECT test_accuracy, final_loss, resumed_from "
                        + "FROM gradreg_run")) {
            assertTrue(ra.next() && rb.next());
            assertEquals(savedAt, rb.getInt(3), "resumed from where it stopped");
            assertEquals(ra.getDouble(1), rb.getDouble(1), "the same test accuracy as an uninterrupted run");
            assertEquals(ra.getDouble(2), rb.getDouble(2), "the same final loss");
        }
    }

    /**
     * Restarting an execution whose process is alive is refused, naming the process: one that
     * trains a run (it holds the run's claim), and one that holds no run claim at all (a second
     * process of the same shard, waiting for the first one's run; the same holds in the sample,
     * evaluate and report steps): its execution's heartbeat says it is alive. Either restart would
     * let two processes into one execution and strand its results.
     */
    @Test
    void restartOfALiveExecutionIsRefusedNamingItsProcess(@TempDir Path dir) throws Exception {
        Gradreg g = gradreg("h2", dir);
        String[] job = {"run", "quickstart", "-p", "regularizers=none", "-p", "runs=1", "-p", "minibatches=20000",
            "--shard", "0/1", "--experiment-id", "live"};
        Process p = g.builder(job).redirectOutput(dir.resolve("run.out").toFile())
                .redirectError(dir.resolve("run.err").toFile()).start();
        Process waiting = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (true) { // until the run trains (and so holds a claim)
                assertTrue(System.nanoTime() < deadline, "no progress: " + Files.readString(dir.resolve("run.err")));
                assertTrue(p.isAlive(), Files.readString(dir.resolve("run.err")));
                Map<String, Integer> state = Files.exists(dir.resolve("gradreg.mv.db")) ? runs(g) : Map.of();
                if (state.values().stream().anyMatch(v -> v > 0)) {
                    break;
                }
                Thread.sleep(200);
            }
            waiting = g.builder(job).redirectOutput(dir.resolve("waiting.out").toFile())
                    .redirectError(dir.resolve("waiting.err").toFile()).start();
            while (!Files.readString(dir.resolve("waiting.err")).contains("job execution 2 ")) {
                assertTrue(System.nanoTime() < deadline, Files.readString(dir.resolve("waiting.err")));
                assertTrue(waiting.isAlive(), Files.readString(dir.resolve("waiting.err")));
                Thread.sleep(200);
            }
            Thread.sleep(2000); // in its train step, waiting for the first process's run
            for (Process live : List.of(p, waiting)) {
                long execution = live == p ? 1 : 2;
                Gradreg.Result restart = g.run("restart", Long.toString(execution));
                assertEquals(2, restart.exit(), restart.err());
                assertEquals("gradreg: job execution " + execution + " is still running, in process " + live.pid()
                        + " on this host; stop it (Ctrl-C, or kill " + live.pid() + ") before restarting it",
                        restart.errorLine());
            }
            assertTrue(p.isAlive() && waiting.isAlive(), "the live executions go on");
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            if (waiting != null) {
                waiting.destroyForcibly();
                waiting.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * An execution that JBeret records as COMPLETED while a run of it is unfinished (the state that
     * restarting a live execution left before such restarts were refused; made here by setting the
     * run back to PLANNED) is finished by 'gradreg restart': a new job instance continues it under
     * the same results, training that run alone, with the result of an uninterrupted run. A second
     * restart then has nothing to do.
     */
    @Test
    void restartFinishesTheUnfinishedRunsOfACompletedExecution(@TempDir Path dir) throws Exception {
        Gradreg g = gradreg("h2", dir);
        String[] job = {"run", "quickstart", "-p", "regularizers=none spectreg", "-p", "runs=1", "-p", "minibatches=60"};
        assertEquals(0, g.run(job).exit());
        Map<String, String> uninterrupted = accuracies(g);
        String key = "baseline/spectreg/50/class#0";
        try (Connection c = g.connect(); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE gradreg_run SET status = 'PLANNED', minibatches_done = 0, "
                    + "test_accuracy = NULL, test_loss = NULL WHERE run_key = '" + key + "'"));
        }
        Gradreg.Result before = g.run("report", "1");
        assertTrue(before.out().contains("Missing runs"), before.out());

        Gradreg.Result restart = g.run("restart", "1");
        assertEquals(0, restart.exit(), restart.err());
        assertTrue(restart.err().contains("job execution 1 completed with 1 of its runs unfinished (" + key
                + "); job instance 2 continues it"), restart.err());
        assertEquals(uninterrupted, accuracies(g), "the same results as the uninterrupted run");
        Gradreg.Result report = g.run("report", "1");
        assertEquals(0, report.exit(), report.err());
        assertFalse(report.out().contains("Missing runs"), report.out());

        Gradreg.Result again = g.run("restart", "1");
        assertEquals(2, again.exit(), again.err());
        assertEquals("gradreg: job execution 1 completed with every run of it finished; nothing to restart (see "
                + "'gradreg report 1')", again.errorLine());
    }

    /**
     * A trained run whose final parameters cannot be read (here: a checkpoint whose checksum holds
     * but whose content is garbage, as a damaged length field would be) fails nothing for good:
     * the evaluate step sends the run back to be trained, the execution says so and exits 3 (unfinished), and
     * the restart it names trains the run again from the start, to the uninterrupted run's result.
     */
    @Test
    void damagedTrainedParametersAreTrainedAgainOnRestart(@TempDir Path dir) throws Exception {
        Gradreg g = gradreg("h2", dir);
        String[] job = {"run", "quickstart", "-p", "regularizers=none spectreg", "-p", "runs=1", "-p", "minibatches=60"};
        assertEquals(0, g.run(job).exit());
        Map<String, String> uninterrupted = accuracies(g);
        String key = "baseline/spectreg/50/class#0";
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        String sha = io.gradreg.hash.Sha256.hex(garbage);
        try (Connection c = g.connect(); Statement s = c.createStatement();
                java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO gradreg_checkpoint (instance_id, run_key, "
                        + "minibatch, data, sha256) VALUES (1, ?, 60, ?, ?)")) {
            assertEquals(1, s.executeUpdate("UPDATE gradreg_run SET status = 'TRAINED', test_accuracy = NULL, "
                    + "test_loss = NULL WHERE run_key = '" + key + "'"));
            ps.setString(1, key);
            ps.setBytes(2, garbage);
            ps.setString(3, sha);
            ps.executeUpdate();
        }
        Gradreg.Result first = g.run("restart", "1");
        assertEquals(io.gradreg.cli.ExitCode.UNFINISHED.code(), first.exit(), first.err());
        assertEquals("gradreg: job execution 2 completed, but 1 of its 2 runs are not evaluated (" + key + "); "
                + "'gradreg restart 2' finishes them", first.errorLine());
        try (Connection c = g.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status, message FROM gradreg_run WHERE run_key = '" + key + "'")) {
            assertTrue(rs.next());
            assertEquals("PLANNED", rs.getString(1));
            assertTrue(rs.getString(2).startsWith("the trained parameters could not be evaluated (cannot read"),
                    rs.getString(2));
        }
        Gradreg.Result second = g.run("restart", "2");
        assertEquals(0, second.exit(), second.err());
        assertEquals(uninterrupted, accuracies(g), "trained again from the start: the uninterrupted run's result");
    }

    /** run key -> test accuracy and final loss, of every run. */
    private static Map<String, String> accuracies(Gradreg g) throws Exception {
        Map<String, String> runs = new HashMap<>();
        try (Connection c = g.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT run_key, test_accuracy, final_loss FROM gradreg_run")) {
            while (rs.next()) {
                runs.put(rs.getString(1), rs.getDouble(2) + " " + rs.getDouble(3));
            }
        }
        return runs;
    }

    private static long executionId(String stderr) {
        var m = java.util.regex.Pattern.compile("job execution (\\d+) \\(instance").matcher(stderr);
        assertTrue(m.find(), stderr);
        return Long.parseLong(m.group(1));
    }

    /** run key -> minibatches done, or -1 once trained. */
    private static Map<String, Integer> runs(Gradreg g) throws Exception {
        Map<String, Integer> state = new HashMap<>();
        try (Connection c = g.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT run_key, status, minibatches_done FROM gradreg_run")) {
            while (rs.next()) {
                String status = rs.getString(2);
                state.put(rs.getString(1), status.equals("TRAINED") || status.equals("EVALUATED") ? -1 : rs.getInt(3));
            }
        } catch (java.sql.SQLException e) {
            // tables not created yet
        }
        return state;
    }
}
