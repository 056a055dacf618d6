package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases across time zones, on a real PostgreSQL server ({@code GRADREG_TEST_PG_URL}): two
 * processes of one shard (as Kubernetes may briefly run two pods of an index, here on nodes 26
 * hours apart: UTC-12 and UTC+14). The second must neither take over the first one's live run
 * (judging its lease by local wall-clock time, it would see it long expired) nor wait a day once
 * the first is killed: it takes the run over within a lease and resumes it from its checkpoint.
 *
 * <p>The run is far longer than the test (100,000 minibatches), so the first process cannot finish
 * it inside the live-lease window on a fast machine; the test stops once the second has resumed and
 * checkpointed past the first one's last checkpoint. Finishing a resumed run and recording it once is
 * {@code KillAnywhereIT}'s and {@code PipelineIT}'s subject.
 */
class LeaseTimeZoneIT {

    private static final int LEASE_SECONDS = 4;

    @Test
    void aShardInAnotherTimeZoneWaitsForALiveLeaseAndTakesOverADeadOneWithinTheLease(@TempDir Path dir)
            throws Exception {
        Assumptions.assumeTrue(System.getenv("GRADREG_TEST_PG_URL") != null, "needs GRADREG_TEST_PG_URL");
        Gradreg base = PipelineIT.gradreg("postgresql", dir);
        String[] job = {"run", "quickstart", "-p", "regularizers=none", "-p", "runs=1", "-p", "minibatches=100000", "-p",
            "checkpoint-every=100", "-p", "partitions=1", "--shard", "0/1", "--experiment-id", "zones"};
        Gradreg west = new Gradreg(dir, env(base, "Etc/GMT+12")); // POSIX signs: this is UTC-12
        Gradreg east = new Gradreg(dir, env(base, "Pacific/Kiritimati")); // UTC+14
        Process first = west.builder(job).redirectOutput(dir.resolve("west.out").toFile())
                .redirectError(dir.resolve("west.err").toFile()).start();
        Process second = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (checkpointOf(base) < 100) { // the first process trains, past a checkpoint
                assertTrue(System.nanoTime() < deadline, Files.readString(dir.resolve("west.err")));
                assertTrue(first.isAlive(), Files.readString(dir.resolve("west.err")));
                Thread.sleep(200);
            }
            second = east.builder(job).redirectOutput(dir.resolve("east.out").toFile())
                    .redirectError(dir.resolve("east.err").toFile()).start();
            // For three leases the run stays the first process's: the second judges its lease live.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3 * LEASE_SECONDS);
            while (System.nanoTime() < until) {
                assertTrue(owner(base).contains("/pid-" + first.pid() + "/"), "taken over from a live process by "
                        + owner(base) + "\n" + Files.readString(dir.resolve("east.err")));
                assertTrue(second.isAlive(), Files.readString(dir.resolve("east.err")));
                Thread.sleep(250);
            }
            first.destroyForcibly(); // SIGKILL: its lease is no longer renewed
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            int killedAt = checkpointOf(base);
            long killed = System.nanoTime();
            while (!owner(base).contains("/pid-" + second.pid() + "/")) {
                assertTrue(System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(LEASE_SECONDS + 20),
                        "not taken over within the lease: " + owner(base));
                assertTrue(second.isAlive(), Files.readString(dir.resolve("east.err")));
                Thread.sleep(100);
            }
            // It resumes from the killed process's last checkpoint and trains on, under its own claim.
            long resumed = System.nanoTime();
            while (checkpointOf(base) <= killedAt) {
                assertTrue(System.nanoTime() - resumed < TimeUnit.MINUTES.toNanos(3), "no checkpoint after "
                        + killedAt + " by the second process\n" + Files.readString(dir.resolve("east.err")));
                assertTrue(second.isAlive(), Files.readString(dir.resolve("east.err")));
                Thread.sleep(200);
            }
            assertTrue(owner(base).contains("/pid-" + second.pid() + "/"), owner(base));
            try (Connection c = base.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT status, resumed_from FROM gradreg_run")) {
                assertTrue(rs.next());
                assertEquals("TRAINING", rs.getString(1));
                assertEquals(killedAt, rs.getInt(2), "resumed from the killed process's last checkpoint");
                assertTrue(!rs.next(), "one run, recorded once");
            }
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
        }
    }

    private static Map<String, String> env(Gradreg base, String zone) {
        Map<String, String> env = new HashMap<>(base.env());
        env.put("TZ", zone);
        env.put("GRADREG_RUN_LEASE_SECONDS", Integer.toString(LEASE_SECONDS));
        return env;
    }

    private static int checkpointOf(Gradreg g) throws Exception {
        try (Connection c = g.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT minibatch FROM gradreg_checkpoint")) {
            return rs.next() ? rs.getInt(1) : -1;
        } catch (java.sql.SQLException e) {
            return -1; // no tables yet
        }
    }

    /** The owner of the claim on the run (not the executions' heartbeats), or "" if none. */
    private static String owner(Gradreg g) throws Exception {
        try (Connection c = g.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT owner FROM gradreg_claim WHERE run_key NOT LIKE 'execution:%'")) {
            return rs.next() ? rs.getString(1) : "";
        }
    }
}
