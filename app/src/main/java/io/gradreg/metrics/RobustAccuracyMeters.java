package io.gradreg.metrics;

import io.gradreg.robustness.Measure;
import io.gradreg.robustness.RobustnessSpec;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accuracy under attack of each evaluated run (job property {@code robustness}), from the recorded
 * measures, like {@link TestAccuracyMeters}:
 *
 * <pre>
 *   gradreg_robust_accuracy_ratio   gauge   run labels, measure (fgsm, pgd, noise), epsilon (its radius
 *                                           or deviation, e.g. "0.1")   accuracy in [0, 1]
 * </pre>
 */
public final class RobustAccuracyMeters {

    private final JobLabels job;
    private final MeterRegistry registry;
    private final Map<String, Double> values = new ConcurrentHashMap<>();

    public RobustAccuracyMeters(JobLabels job, MeterRegistry registry) {
        this.job = job;
        this.registry = registry;
    }

    /** Registers a gauge for every accuracy measure of an evaluated run not seen before. */
    public void update(Iterable<RunRecord> records, Map<String, Map<String, Double>> measures) {
        for (RunRecord r : records) {
            if (r.status() != RunStatus.EVALUATED) {
                continue;
            }
            for (Map.Entry<String, Double> m : measures.getOrDefault(r.runKey(), Map.of()).entrySet()) {
                Measure measure;
                try {
                    measure = Measure.parse(m.getKey());
                } catch (IllegalArgumentException e) {
                    continue; // a measure of a newer gradreg
                }
                if (!measure.isAccuracy()) {
                    continue;
                }
                String key = r.runKey() + " " + measure.name();
                if (values.put(key, m.getValue()) == null) {
                    Gauge.builder("gradreg.robust.accuracy", values, v -> v.getOrDefault(key, Double.NaN))
                            .tags(job.run(r.id()).and("measure", measure.kind(),
                                    "epsilon", RobustnessSpec.format(measure.parameter())))
                            .baseUnit("ratio").strongReference(true)
                            .description("Accuracy of the trained run on the 10,000 MNIST test images under an attack "
                                    + "(an image counts if classified correctly both clean and attacked)")
                            .register(registry);
                }
            }
        }
    }
}
