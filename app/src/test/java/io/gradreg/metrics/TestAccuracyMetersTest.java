package io.gradreg.metrics;

import static io.gradreg.metrics.JobProgressMetersTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gradreg.store.RunStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestAccuracyMetersTest {

    @Test
    void evaluatedRunsGetOneSeriesEachOthersNone() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TestAccuracyMeters meters = new TestAccuracyMeters(new JobLabels("c6", 3, "c6"), registry);
        var records = List.of(run("a", RunStatus.EVALUATED, 10, 10, 0.9125), run("b", RunStatus.TRAINED, 10, 10, null),
                run("c", RunStatus.FAILED, 10, 3, null));
        meters.update(records);
        meters.update(records); // a second refresh registers nothing new
        var gauges = registry.find("gradreg.test.accuracy").gauges();
        assertEquals(1, gauges.size());
        assertEquals(0.9125, gauges.iterator().next().value());
        assertEquals("ratio", gauges.iterator().next().getId().getBaseUnit());
        assertEquals("spectreg", gauges.iterator().next().getId().getTag("regularizer"));
    }
}
