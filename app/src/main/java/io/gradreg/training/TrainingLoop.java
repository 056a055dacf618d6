package io.gradreg.training;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The one loop that trains a run, for every caller (a single run, a job's partition, the
 * benchmark): step until the run is finished or {@code stop} says so, telling the listeners.
 */
public final class TrainingLoop {

    private TrainingLoop() {
    }

    /** Trains {@code run} to its end; returns its wall time in seconds. */
    public static double fit(TrainingRun run, TrainingListener... listeners) {
        long start = System.nanoTime();
        fit(run, () -> false, listeners);
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Trains {@code run} until it has finished or {@code stop} returns true (checked before each
     * minibatch). Returns whether it finished. A failing step ({@link TrainingException}) ends the
     * loop and reaches the caller.
     */
    public static boolean fit(TrainingRun run, BooleanSupplier stop, TrainingListener... listeners) {
        List<TrainingListener> all = List.of(listeners);
        all.forEach(l -> l.onStart(run));
        while (!run.finished()) {
            if (stop.getAsBoolean()) {
                return false;
            }
            TrainingListener.Progress p = run.step();
            for (TrainingListener l : all) {
                l.onMinibatch(p);
            }
        }
        all.forEach(l -> l.onEnd(run));
        return true;
    }
}
