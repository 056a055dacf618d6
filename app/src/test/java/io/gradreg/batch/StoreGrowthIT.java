package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trained parameters leave the store as each run is evaluated, right after it is trained: the
 * store holds the parameters of the runs in flight, not of every run trained so far (a 99,999-run
 * plan once grew an H2 file to 5 GB after 1,599 runs, all waiting for the evaluate step).
 */
class StoreGrowthIT {

    @Test
    void theStoreHoldsParametersOfTheRunsInFlightOnly(@TempDir Path dir) throws Exception {
        Gradreg gradreg = new Gradreg(Files.createDirectories(dir.resolve("work")), Map.of());
        // 12 runs, one at a time
        Process job = gradreg.builder("run", "quickstart", "-p", "runs=4", "-p", "minibatches=10", "-p",
                "train-sizes=10/class", "-p", "partitions=1", "-p", "checkpoint-every=1000")
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        int most = 0;
        int samples = 0;
        while (!job.waitFor(100, TimeUnit.MILLISECONDS)) {
            Integer held = parametersHeld(gradreg);
            if (held != null) {
                most = Math.max(most, held);
                samples++;
            }
        }
        assertEquals(0, job.exitValue(), Files.readString(dir.resolve("err.txt")));
        assertTrue(samples > 10, "the store was sampled while the job ran (" + samples + " samples)");
        assertTrue(most <= 1, "at most one run's parameters at a time with one partition, found " + most);
        assertEquals(0, parametersHeld(gradreg), "none once the job is done");
        String steps = gradreg.run("status", "1").out();
        assertTrue(steps.lines().anyMatch(l -> l.matches("\\s*step evaluate\\s+COMPLETED\\s+EVALUATED 0")), steps);
        gradreg.closeIfServed();
    }

    /** Rows of trained parameters or checkpoints in the store; null while it has no tables yet. */
    private static Integer parametersHeld(Gradreg gradreg) {
        try (Connection c = gradreg.connect(); ResultSet rs = c.createStatement()
                .executeQuery("SELECT COUNT(*) FROM gradreg_checkpoint")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            return null;
        }
    }
}
