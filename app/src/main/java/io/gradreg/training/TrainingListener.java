package io.gradreg.training;

/** Observes a training run; called on the training thread after every minibatch. */
@FunctionalInterface
public interface TrainingListener {

    TrainingListener NONE = progress -> { };

    void onMinibatch(Progress progress);

    /**
     * @param minibatch minibatches done, 1-based
     * @param planned minibatches in the run
     * @param loss mean cross-entropy of this minibatch
     * @param penalty raw (unweighted) penalty of this minibatch
     * @param learningRate rate used for this minibatch
     * @param nanos wall time of this minibatch
     */
    record Progress(int minibatch, int planned, double loss, double penalty, double learningRate, long nanos) {
    }
}
