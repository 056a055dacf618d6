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
        stop.training();
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
        stop.training();
        long start = System.nanoTime();
        assertFalse(stop.stop(), "not stopped: a partition still trains");
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900), "waited for the deadline");
        assertEquals(List.of(), actions);
    }

    @Test
    void withoutASignalTheCommandNeverWaits() throws Exception {
        GracefulStop stop = new GracefulStop();
        assertFalse(stop.requested());
        assertTrue(stop.awaitStopped());
    }
}
