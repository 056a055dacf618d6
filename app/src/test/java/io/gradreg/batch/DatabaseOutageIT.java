package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real PostgreSQL server of {@code .ci/run} stops while a job trains and starts again 8 s later:
 * the job waits it out (gradreg.db.outage-seconds) and ends as if nothing happened, every run
 * recorded once, none restarted. {@code GRADREG_TEST_PG_CTL} is the command that stops and starts
 * the server ({@code pg_ctlcluster 15 main}); without it the test is skipped.
 */
@EnabledIfEnvironmentVariable(named = "GRADREG_TEST_PG_CTL", matches = ".+")
@EnabledIfEnvironmentVariable(named = "GRADREG_TEST_PG_URL", matches = ".+")
class DatabaseOutageIT {

    private static void server(String action) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", System.getenv("GRADREG_TEST_PG_CTL") + " " + action)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, action + ": " + out);
    }

    @Test
    void aJobRidesOutARestartOfItsDatabase(@TempDir Path dir) throws Exception {
        Gradreg g = PipelineIT.gradreg("postgresql", dir);
        Process job = g.builder("run", "quickstart", "-p", "regularizers=none spectreg", "-p", "runs=1", "-p",
                "minibatches=1500", "-p", "checkpoint-every=200")
                .redirectOutput(dir.resolve("run.out").toFile()).redirectError(dir.resolve("run.err").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (true) { // training, past a checkpoint
                assertTrue(System.nanoTime() < deadline, Files.readString(dir.resolve("run.err")));
                assertTrue(job.isAlive(), Files.readString(dir.resolve("run.err")));
                if (done(g) >= 400) {
                    break;
                }
                Thread.sleep(200);
            }
            server("stop");
            try {
                Thread.sleep(8000);
            } finally {
                server("start");
            }
            assertTrue(job.waitFor(5, TimeUnit.MINUTES), "the job ends");
            String err = Files.readString(dir.resolve("run.err"));
            assertEquals(0, job.exitValue(), err);
            assertTrue(err.contains("is unreachable"), "it said it was waiting: " + err);
        } finally {
            job.destroyForcibly();
        }
        try (Connection c = g.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status, minibatches_done, resumed_from FROM gradreg_run")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                assertEquals("EVALUATED", rs.getString(1));
                assertEquals(1500, rs.getInt(2));
                assertEquals(null, rs.getObject(3), "trained through, not restarted from a checkpoint");
            }
            assertEquals(2, rows, "every run recorded once");
        }
    }

    private static int done(Gradreg g) {
        try (Connection c = g.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(minibatches_done), 0) FROM gradreg_run")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (java.sql.SQLException e) {
            return 0; // tables not created yet
        }
    }
}
