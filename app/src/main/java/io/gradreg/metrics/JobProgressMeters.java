package io.gradreg.metrics;

import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Progress of one job execution, refreshed from the recorded runs (so runs finished before a
 * restart count too).
 *
 * <pre>
 *   gradreg_job_runs{state}              gauge  job labels + state   runs in each state: planned (not started),
 *                                                                    running, completed (trained or evaluated), failed
 *   gradreg_job_minibatches_planned      gauge  job labels           minibatches of all the job's runs
 *   gradreg_job_minibatches_done         gauge  job labels           minibatches done (a failed run counts as done)
 *   gradreg_job_eta_seconds              gauge  job labels           estimated time until training ends, at the
 *                                                                    rate measured since this process started the job;
 *                                                                    0 once every run is trained, NaN before any progress
 * </pre>
 */
public final class JobProgressMeters implements MeterBinder {

    /** Values of the {@code state} label, in the order of {@link RunStatus}'s life cycle. */
    public enum State {
        PLANNED, RUNNING, COMPLETED, FAILED;

        static State of(RunStatus status) {
            return switch (status) {
                case PLANNED -> PLANNED;
                case TRAINING -> RUNNING;
                case TRAINED, EVALUATED -> COMPLETED;
                case FAILED -> FAILED;
            };
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Where the job stands, as the meters last computed it (the command line's progress line shows
     * the same numbers): runs by status, minibatches planned and done, seconds to go (NaN: unknown).
     */
    public record Snapshot(Map<RunStatus, Integer> byStatus, int runs, long planned, long done, double etaSeconds) {

        public int count(RunStatus status) {
            return byStatus.getOrDefault(status, 0);
        }
    }

    private final JobLabels job;
    private final Map<State, Integer> runs = new EnumMap<>(State.class);
    private volatile Snapshot snapshot = new Snapshot(Map.of(), 0, 0, 0, Double.NaN);
    private volatile long planned;
    private volatile long done;
    private volatile double etaSeconds = Double.NaN;
    private long firstNanos;
    private long firstDone = -1;

    public JobProgressMeters(JobLabels job) {
        this.job = job;
        for (State s : State.values()) {
            runs.put(s, 0);
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (State s : State.values()) {
            Gauge.builder("gradreg.job.runs", this, m -> m.runs(s)).tags(job.tags()).tag("state", s.label())
                    .strongReference(true).description("Runs of the job execution in each state").register(registry);
        }
        Gauge.builder("gradreg.job.minibatches.planned", this, m -> m.planned).tags(job.tags()).strongReference(true)
                .description("Minibatches of all the job's runs").register(registry);
        Gauge.builder("gradreg.job.minibatches.done", this, m -> m.done).tags(job.tags()).strongReference(true)
                .description("Minibatches done of all the job's runs (a failed run counts as done)").register(registry);
        Gauge.builder("gradreg.job.eta", this, m -> m.etaSeconds).tags(job.tags()).baseUnit("seconds")
                .strongReference(true)
                .description("Estimated time until the job's training ends, at the rate measured by this process")
                .register(registry);
    }

    /**
     * Recomputes every value.
     *
     * @param records the job's planned runs as recorded
     * @param liveDone minibatches done by a run that is training (the records only know its last checkpoint)
     * @param nanoTime now, from {@link System#nanoTime()}
     */
    public synchronized void update(List<RunRecord> records, ToIntFunction<RunRecord> liveDone, long nanoTime) {
        Map<State, Integer> counts = new EnumMap<>(State.class);
        Map<RunStatus, Integer> byStatus = new EnumMap<>(RunStatus.class);
        long p = 0;
        long d = 0;
        for (RunRecord r : records) {
            counts.merge(State.of(r.status()), 1, Integer::sum);
            byStatus.merge(r.status(), 1, Integer::sum);
            p += r.minibatches();
            d += switch (r.status()) {
                case PLANNED -> 0;
                case TRAINING -> Math.max(r.minibatchesDone(), liveDone.applyAsInt(r));
                default -> r.minibatches();
            };
        }
        for (State s : State.values()) {
            runs.put(s, counts.getOrDefault(s, 0));
        }
        planned = p;
        done = d;
        if (firstDone < 0) {
            firstDone = d;
            firstNanos = nanoTime;
        }
        etaSeconds = eta(p - d, d - firstDone, (nanoTime - firstNanos) / 1e9);
        snapshot = new Snapshot(Map.copyOf(byStatus), records.size(), p, d, etaSeconds);
    }

    /** The values of the last {@link #update}. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Seconds to train {@code remaining} minibatches when {@code doneHere} took {@code seconds}. */
    static double eta(long remaining, long doneHere, double seconds) {
        if (remaining <= 0) {
            return 0;
        }
        return doneHere > 0 ? remaining * seconds / doneHere : Double.NaN;
    }

    private synchronized double runs(State s) {
        return runs.get(s);
    }
}
