package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The order of a stop on a signal (the signal itself is PipelineIT's): the execution is asked to
 * stop, the partitions save, then the stop's actions run; a partition still training at the
 * deadline means no action runs (the process halts rather than shut the database down under it).
 */
class GracefulStopTest {

    @Test
    void theActionsRunAfterThePartitionsHaveSaved() throws Exception {
        GracefulStop stop = new GracefulStop();
        stop.stopSeconds = 20;
        List<String> order = new ArrayList<>();
        assertTrue(stop.training());
        stop.whenStopping(() -> order.add("stop the execution"));
        stop.onStop(() -> order.add("push the metrics"));
        CompletableFuture<Boolean> stopping = CompletableFuture.supplyAsync(stop::stop);
        Thread.sleep(300);
        assertTrue(stop.requested());
        assertFalse(stopping.isDone(), "waits for the partition");
        synchronized (order) {
            order.add("partition saved");
        }
        stop.finished();
        assertTrue(stopping.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("stop the execution", "partition saved", "push the metrics"), order);
    }

    @Test
    void aPartitionStillTrainingAtTheDeadlineRunsNoAction() throws Exception {
        GracefulStop stop = new GracefulStop();
        stop.stopSeconds = 1;
        List<String> actions = new ArrayList<>();
        stop.onStop(() -> actions.add("push the metrics"));
        assertTrue(stop.training());
        long start = System.nanoTime();
        assertFalse(stop.stop(), "not stopped: a partition still trains");
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900), "waited for the deadline");
        assertEquals(List.of(), actions);
    }

    /** The C4 job's trace: a queued partition started after the running ones had saved, under the exit. */
    @Test
    void noPartitionStartsOnceTheStopHasBegun() throws Exception {
        GracefulStop stop = new GracefulStop();
        stop.stopSeconds = 5;
        assertTrue(stop.training());
        stop.finished();
        assertTrue(stop.stop(), "no partition at work");
        assertFalse(stop.training(), "a partition JBeret starts from its queue afterwards returns at once");
    }

    @Test
    void withoutASignalTheCommandNeverWaits() throws Exception {
        GracefulStop stop = new GracefulStop();
        assertFalse(stop.requested());
        assertTrue(stop.awaitStopped());
    }
}
