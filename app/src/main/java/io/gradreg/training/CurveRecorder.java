package io.gradreg.training;

import io.gradreg.store.CurvePoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a run's training curve: loss, raw penalty and learning rate of every {@code every}-th
 * minibatch and of the last one. It only reads the {@link TrainingListener.Progress} the loop
 * reports anyway, so recording changes no arithmetic and no random stream. Points wait here until
 * {@link #drain()} hands them to whoever stores them with the run's state (a job's checkpoint).
 */
public final class CurveRecorder implements TrainingListener {

    /** Minibatches between points unless a job or option says otherwise. */
    public static final int DEFAULT_EVERY = 100;

    /** Points one run may record at most: {@code minibatches / every} must not exceed it. */
    public static final int MAX_POINTS = 10_000;

    private final int every;
    private final List<CurvePoint> pending = new ArrayList<>();

    public CurveRecorder(int every) {
        if (every <= 0) {
            throw new IllegalArgumentException("curve-every must be positive, was " + every);
        }
        this.every = every;
    }

    /**
     * Refuses an interval that would record more than {@link #MAX_POINTS} points in a run of
     * {@code minibatches}; the message names {@code what} (a job property or an option).
     */
    public static void check(String what, int every, int minibatches) {
        if (every <= 0) {
            throw new IllegalArgumentException(what + " must be a positive integer, was " + every);
        }
        if (minibatches / every > MAX_POINTS) {
            throw new IllegalArgumentException(what + " is " + every + ": runs of " + minibatches + " minibatches would "
                    + "record " + minibatches / every + " curve points each, more than " + MAX_POINTS + "; set it to at "
                    + "least " + (minibatches + MAX_POINTS - 1) / MAX_POINTS);
        }
    }

    @Override
    public void onMinibatch(Progress p) {
        if (p.minibatch() % every == 0 || p.last()) {
            pending.add(new CurvePoint(p.minibatch(), p.loss(), p.penalty(), p.learningRate()));
        }
    }

    /** The points recorded since the last call, in minibatch order; they are no longer kept here. */
    public List<CurvePoint> drain() {
        List<CurvePoint> out = List.copyOf(pending);
        pending.clear();
        return out;
    }
}
