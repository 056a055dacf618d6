package io.gradreg.metrics;

import io.gradreg.training.TrainingListener;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Gives each training partition its {@link RunMeters}, registered in the process's registry. */
@ApplicationScoped
public class TrainingMeters {

    @Inject
    MeterRegistry registry;

    /** A listener that records the minibatches of one run of {@code job}. */
    public TrainingListener forRun(JobLabels job, String architecture, String regularizer, String trainSize,
            int runIndex) {
        RunMeters meters = new RunMeters(job, architecture, regularizer, trainSize, runIndex);
        meters.bindTo(registry);
        return meters;
    }
}
