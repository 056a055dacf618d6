package io.gradreg.training;

/**
 * The outcome of one run.
 *
 * @param config what was trained, seed included
 * @param test accuracy and loss on the 10,000 test images
 * @param finalLoss training cross-entropy of the last minibatch
 * @param finalPenalty raw penalty of the last minibatch
 * @param trainSeconds wall time of training, evaluation excluded
 */
public record TrainingResult(TrainingConfig config, Evaluation test, double finalLoss, double finalPenalty,
        double trainSeconds) {
}
