package io.gradreg.metrics;

import io.gradreg.store.Cell;
import io.gradreg.store.RunId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gradreg.training.TrainingListener.Progress;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final JobLabels job = new JobLabels("quickstart", 7, "qs");

    private RunMeters bound() {
        RunMeters meters = new RunMeters(job, new RunId(new Cell("baseline", "spectreg", "50/class"), 1));
        meters.bindTo(registry);
        return meters;
    }

    private double gauge(String name) {
        return registry.get(name).tag("run", "1").tag("regularizer", "spectreg").gauge().value();
    }

    @Test
    void minibatchCallbacksSetCounterGaugesAndTimer() {
        RunMeters meters = bound();
        meters.onMinibatch(new Progress(1, 600, 2.30, 0.50, 0.001, 4_000_000));
        meters.onMinibatch(new Progress(2, 600, 2.10, 0.40, 0.001, 15_000_000));
        meters.onMinibatch(new Progress(3, 600, 1.90, 0.30, 0.0001, 30_000_000));

        assertEquals(3, registry.get("gradreg.minibatches").tag("run", "1").counter().count());
        assertEquals(1.90, gauge("gradreg.training.loss"));
        assertEquals(0.30, gauge("gradreg.training.penalty"));
        assertEquals(0.0001, gauge("gradreg.learning.rate"));
        Timer timer = registry.get("gradreg.minibatch.duration").timer();
        assertEquals(3, timer.count());
        assertEquals(49.0, timer.totalTime(TimeUnit.MILLISECONDS), 1e-9);
        // cumulative buckets: 4 ms <= 5 ms; 15 ms <= 20 ms; 30 ms <= 50 ms
        CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
        assertEquals(RunMeters.DURATION_BUCKETS.length, buckets.length);
        assertEquals(1, countAt(buckets, 5), "<= 5 ms");
        assertEquals(1, countAt(buckets, 10), "<= 10 ms");
        assertEquals(2, countAt(buckets, 20), "<= 20 ms");
        assertEquals(3, countAt(buckets, 50), "<= 50 ms");
    }

    private static double countAt(CountAtBucket[] buckets, double millis) {
        for (CountAtBucket b : buckets) {
            if (b.bucket(TimeUnit.MILLISECONDS) == millis) {
                return b.count();
            }
        }
        throw new AssertionError("no bucket at " + millis + " ms");
    }

    @Test
    void aValueThatIsNotFiniteKeepsTheLastFiniteOne() {
        RunMeters meters = bound();
        assertEquals(Double.NaN, gauge("gradreg.training.loss"), "no minibatch yet");
        meters.onMinibatch(new Progress(1, 600, 2.25, 0.125, 0.001, 1_000_000));
        meters.onMinibatch(new Progress(2, 600, Double.NaN, Double.POSITIVE_INFINITY, 0.001, 1_000_000));
        assertEquals(2.25, gauge("gradreg.training.loss"));
        assertEquals(0.125, gauge("gradreg.training.penalty"));
        assertEquals(2, registry.get("gradreg.minibatches").counter().count());
    }

    @Test
    void labelsAreBoundedTheTimerHasNoRunLabel() {
        bound();
        var counter = registry.get("gradreg.minibatches").counter().getId();
        assertEquals("quickstart", counter.getTag("gradreg_job"));
        assertEquals("7", counter.getTag("execution"));
        assertEquals("qs", counter.getTag("experiment"));
        assertEquals("baseline", counter.getTag("architecture"));
        assertEquals("50/class", counter.getTag("train_size"));
        assertEquals("1", counter.getTag("run"));
        assertEquals("0/1", counter.getTag("shard"), "a job that is not sharded is shard 0/1 of its experiment");
        assertEquals(8, counter.getTags().size(), counter.getTags().toString());
        assertNull(registry.get("gradreg.minibatch.duration").timer().getId().getTag("run"));
    }

    @Test
    void runsOfOneCellShareTheirTimer() {
        new RunMeters(job, new RunId(new Cell("baseline", "none", "50/class"), 0)).bindTo(registry);
        new RunMeters(job, new RunId(new Cell("baseline", "none", "50/class"), 1)).bindTo(registry);
        assertEquals(1, registry.find("gradreg.minibatch.duration").timers().size());
        assertEquals(2, registry.find("gradreg.minibatches").counters().size());
    }
}
