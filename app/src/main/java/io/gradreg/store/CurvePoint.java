package io.gradreg.store;

/**
 * One point of a run's training curve.
 *
 * @param minibatch minibatches done, 1-based: the point describes minibatch number {@code minibatch}
 * @param loss mean cross-entropy of that minibatch
 * @param penalty raw (unweighted) penalty of that minibatch
 * @param learningRate Adam's rate for that minibatch
 */
public record CurvePoint(int minibatch, double loss, double penalty, double learningRate) {
}
