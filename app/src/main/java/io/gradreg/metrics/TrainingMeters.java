package io.gradreg.metrics;

import io.gradreg.store.RunId;
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
    public TrainingListener forRun(JobLabels job, RunId run) {
        RunMeters meters = new RunMeters(job, run);
        meters.bindTo(registry);
        return meters;
    }
}
