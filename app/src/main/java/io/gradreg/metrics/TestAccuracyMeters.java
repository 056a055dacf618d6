package io.gradreg.metrics;

import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test accuracy of each evaluated run, from the recorded results:
 *
 * <pre>
 *   gradreg_test_accuracy_ratio   gauge   run labels   accuracy on the 10,000 MNIST test images, in [0, 1]
 * </pre>
 *
 * A run has no series until it is evaluated, so averaging over a cell's series averages its
 * evaluated runs (the paper's tables: mean over runs).
 */
public final class TestAccuracyMeters {

    private final JobLabels job;
    private final MeterRegistry registry;
    private final Map<String, Double> accuracy = new ConcurrentHashMap<>();

    public TestAccuracyMeters(JobLabels job, MeterRegistry registry) {
        this.job = job;
        this.registry = registry;
    }

    /** Registers a gauge for every evaluated run not seen before. */
    public void update(Iterable<RunRecord> records) {
        for (RunRecord r : records) {
            if (r.status() != RunStatus.EVALUATED || r.testAccuracy() == null) {
                continue;
            }
            if (accuracy.put(r.runKey(), r.testAccuracy()) == null) {
                String key = r.runKey();
                Gauge.builder("gradreg.test.accuracy", accuracy, a -> a.getOrDefault(key, Double.NaN))
                        .tags(job.run(r.id()))
                        .baseUnit("ratio").strongReference(true)
                        .description("Accuracy of the trained run on the 10,000 MNIST test images")
                        .register(registry);
            }
        }
    }
}
