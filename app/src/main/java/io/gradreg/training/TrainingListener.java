package io.gradreg.training;

/**
 * Observes a training run in {@link TrainingLoop#fit}: called on the training thread when the loop
 * starts, after every minibatch, and when the run has trained its last minibatch (not when it is
 * stopped early or fails). Checkpoints, lease renewal, meters and progress lines are listeners.
 */
@FunctionalInterface
public interface TrainingListener {

    TrainingListener NONE = progress -> { };

    /** Before the first minibatch of this loop (the run may resume from a checkpoint). */
    default void onStart(TrainingRun run) {
    }

    void onMinibatch(Progress progress);

    /** After the run's last planned minibatch. */
    default void onEnd(TrainingRun run) {
    }

    /**
     * @param minibatch minibatches done, 1-based
     * @param planned minibatches in the run
     * @param loss mean cross-entropy of this minibatch
     * @param penalty raw (unweighted) penalty of this minibatch
     * @param learningRate rate used for this minibatch
     * @param nanos wall time of this minibatch
     */
    record Progress(int minibatch, int planned, double loss, double penalty, double learningRate, long nanos) {

        /** Whether this was the run's last planned minibatch. */
        public boolean last() {
            return minibatch >= planned;
        }
    }
}
