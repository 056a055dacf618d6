package io.gradreg.metrics;

import io.gradreg.store.RunId;
import io.gradreg.training.TrainingListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Meters of one training run, fed by its minibatch callbacks. It only copies values the training
 * loop has already read (the {@link TrainingListener.Progress} of the step), so it never reads a
 * native tensor itself; a value that is not finite (not sampled, or diverged) leaves the gauge at
 * its last finite value.
 *
 * <pre>
 *   gradreg_minibatches_total                counter  run labels          minibatches trained by this execution
 *   gradreg_training_loss                    gauge    run labels          cross-entropy of the latest minibatch
 *   gradreg_training_penalty                 gauge    run labels          raw penalty of the latest minibatch
 *   gradreg_learning_rate                    gauge    run labels          Adam's current learning rate
 *   gradreg_minibatch_duration_seconds       histogram cell labels (no run) wall time of a minibatch
 * </pre>
 */
public final class RunMeters implements MeterBinder, TrainingListener {

    /** Histogram buckets of the minibatch time: LeNet-5 minibatches take milliseconds to a second. */
    static final Duration[] DURATION_BUCKETS = {Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5)};

    private final Tags runTags;
    private final Tags cellTags;
    private volatile double loss = Double.NaN;
    private volatile double penalty = Double.NaN;
    private volatile double learningRate = Double.NaN;
    private Counter minibatches;
    private Timer duration;

    public RunMeters(JobLabels job, RunId run) {
        this.runTags = job.run(run);
        this.cellTags = job.cell(run.cell());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        minibatches = Counter.builder("gradreg.minibatches").tags(runTags)
                .description("Minibatches trained by this job execution").register(registry);
        Gauge.builder("gradreg.training.loss", this, m -> m.loss).tags(runTags).strongReference(true)
                .description("Mean cross-entropy of the run's latest minibatch").register(registry);
        Gauge.builder("gradreg.training.penalty", this, m -> m.penalty).tags(runTags).strongReference(true)
                .description("Raw (unweighted) regularizer penalty of the run's latest minibatch").register(registry);
        Gauge.builder("gradreg.learning.rate", this, m -> m.learningRate).tags(runTags).strongReference(true)
                .description("Adam learning rate of the run's latest minibatch").register(registry);
        duration = Timer.builder("gradreg.minibatch.duration").tags(cellTags)
                .serviceLevelObjectives(DURATION_BUCKETS)
                .description("Wall time of one training minibatch (forward, penalty, backward, Adam)")
                .register(registry);
    }

    @Override
    public void onMinibatch(Progress progress) {
        minibatches.increment();
        duration.record(progress.nanos(), TimeUnit.NANOSECONDS);
        if (Double.isFinite(progress.loss())) {
            loss = progress.loss();
        }
        if (Double.isFinite(progress.penalty())) {
            penalty = progress.penalty();
        }
        learningRate = progress.learningRate();
    }
}
