package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad shard settings get one line naming the problem and exit code 2, before anything runs. */
class ShardBadInputIT {

    @TempDir
    Path dir;

    private static void refused(Gradreg.Result r, String message) {
        assertEquals(2, r.exit(), r.err());
        assertEquals("gradreg: " + message, r.errorLine());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void badShardsAreRefused() throws Exception {
        Gradreg g = new Gradreg(dir, Map.of());
        refused(g.run("run", "quickstart", "--shard", "3/2"), "shard 3/2: the index counts from 0 (like "
                + "JOB_COMPLETION_INDEX) and must be below the number of shards, which must be at least 1");
        refused(g.run("run", "quickstart", "--shard", "two"),
                "--shard 'two' is not INDEX/COUNT, e.g. 0/4 for the first of 4 shards");
        refused(g.run("run", "quickstart", "--shard", "0/7"),
                "--shard 0/7: the experiment plans 6 runs, so at most 6 shards have work");
        refused(g.run("run", "quickstart", "--experiment-id", "q1"), "--experiment-id names an experiment run as "
                + "shards; give --shard INDEX/COUNT too (or run in a Kubernetes Indexed Job with GRADREG_SHARDS set)");
        refused(new Gradreg(dir, Map.of("JOB_COMPLETION_INDEX", "1")).run("run", "quickstart"),
                "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but GRADREG_SHARDS is not: set GRADREG_SHARDS "
                        + "to the Job's completions, or pass --shard INDEX/COUNT");
        refused(g.run("report"), "give a job execution id or --experiment ID (one of them)");
        Gradreg.Result unknown = g.run("report", "--experiment", "nope");
        assertEquals(2, unknown.exit(), unknown.err());
        assertTrue(unknown.errorLine().startsWith("gradreg: no experiment 'nope' in jdbc:h2:file:"), unknown.err());
    }

    @Test
    void aShardWithOtherParametersCannotJoinAnExperiment() throws Exception {
        Gradreg g = new Gradreg(dir, Map.of());
        Gradreg.Result first = g.run("run", "quickstart", "-p", "regularizers=none", "-p", "runs=6", "-p", "minibatches=2", "--shard",
                "0/6", "--experiment-id", "q1");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.err().contains("shard 0/6 of experiment q1: its 1 runs are done; the experiment has 1 of 6 runs "
                + "finished (gradreg report --experiment q1)"), first.err());
        refused(g.run("run", "quickstart", "-p", "regularizers=none", "-p", "runs=6", "-p", "minibatches=3", "--shard", "1/6",
                "--experiment-id", "q1"), "experiment 'q1' was started with another job file or other parameters; "
                        + "give every shard the same ones, or use another --experiment-id");
        Gradreg.Result report = g.run("report", "--experiment", "q1");
        assertEquals(1, report.exit(), report.err());
        assertTrue(report.errorLine().startsWith("gradreg: 5 of 6 runs are not finished: baseline/none/50/class#1, "),
                report.err());
    }
}
