package io.gradreg.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobProgressMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final JobProgressMeters meters = new JobProgressMeters(new JobLabels("c6", 3, "c6"));

    static RunRecord run(String key, RunStatus status, int minibatches, int done, Double accuracy) {
        return new RunRecord(1, key, "c6", "baseline", "spectreg", 0.03, "200/class", 0, 1, minibatches, status, done,
                accuracy, null, null, null, null, null, 3L, null, null);
    }

    private double runs(String state) {
        return registry.get("gradreg.job.runs").tag("state", state).gauge().value();
    }

    private double value(String name) {
        return registry.get(name).tag("execution", "3").gauge().value();
    }

    @Test
    void runsAreCountedByStateAndMinibatchesByStatus() {
        meters.bindTo(registry);
        List<RunRecord> records = List.of(
                run("a", RunStatus.PLANNED, 1000, 0, null),
                run("b", RunStatus.TRAINING, 1000, 200, null), // checkpoint at 200, live at 450
                run("c", RunStatus.TRAINED, 1000, 1000, null),
                run("d", RunStatus.EVALUATED, 1000, 1000, 0.9),
                run("e", RunStatus.FAILED, 1000, 37, null));
        meters.update(records, r -> r.runKey().equals("b") ? 450 : 0, 0);
        assertEquals(1, runs("planned"));
        assertEquals(1, runs("running"));
        assertEquals(2, runs("completed"));
        assertEquals(1, runs("failed"));
        assertEquals(5000, value("gradreg.job.minibatches.planned"));
        // 0 + 450 + 1000 + 1000 + 1000 (a failed run will not train more)
        assertEquals(3450, value("gradreg.job.minibatches.done"));
        assertEquals(Double.NaN, value("gradreg.job.eta"), "no rate measured yet");
        // the command line's progress line shows the same numbers
        JobProgressMeters.Snapshot p = meters.snapshot();
        assertEquals(5, p.runs());
        assertEquals(1, p.count(RunStatus.TRAINED));
        assertEquals(1, p.count(RunStatus.EVALUATED));
        assertEquals(0, p.count(RunStatus.TRAINING) - 1);
        assertEquals(5000, p.planned());
        assertEquals(3450, p.done());
    }

    @Test
    void etaIsTheRemainingMinibatchesAtTheRateMeasuredHere() {
        meters.bindTo(registry);
        // a restart: 100 minibatches were done before this process
        meters.update(List.of(run("a", RunStatus.TRAINING, 1300, 100, null)), r -> 100, 5_000_000_000L);
        // 200 more in 10 s: 20 per second, 1000 left: 50 s
        meters.update(List.of(run("a", RunStatus.TRAINING, 1300, 100, null)), r -> 300, 15_000_000_000L);
        assertEquals(50.0, value("gradreg.job.eta"), 1e-9);
        meters.update(List.of(run("a", RunStatus.TRAINED, 1300, 1300, null)), r -> 0, 20_000_000_000L);
        assertEquals(0.0, value("gradreg.job.eta"));
        assertEquals(1, runs("completed"));
        assertEquals(0, runs("running"));
    }

    @Test
    void etaArithmetic() {
        assertEquals(30.0, JobProgressMeters.eta(600, 200, 10.0), 1e-12);
        assertEquals(0.0, JobProgressMeters.eta(0, 0, 0.0));
        assertEquals(Double.NaN, JobProgressMeters.eta(10, 0, 5.0));
    }

    @Test
    void everyStateHasASeriesFromTheStart() {
        meters.bindTo(registry);
        assertEquals(4, registry.find("gradreg.job.runs").gauges().size());
        assertEquals(0, runs("failed"));
        assertEquals("seconds", registry.get("gradreg.job.eta").gauge().getId().getBaseUnit());
    }
}
