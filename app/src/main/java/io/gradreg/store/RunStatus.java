package io.gradreg.store;

/** Life of one planned run. */
public enum RunStatus {
    /** Recorded by the sample step, not started. */
    PLANNED,
    /** Training; {@code minibatches_done} says how far (as of the last checkpoint). */
    TRAINING,
    /** Trained; its final parameters wait for the evaluate step. */
    TRAINED,
    /** Evaluated on the test set: done. */
    EVALUATED,
    /** Failed (diverged, or its regularizer threw); the message says why. */
    FAILED;

    public boolean finished() {
        return this == EVALUATED || this == FAILED;
    }
}
