package io.gradreg.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.random.RandomGenerator;

/**
 * What the trainer hands a {@link Regularizer} for one minibatch. Every array lives until the
 * end of the training step; arrays a regularizer creates should use {@link #manager()}.
 */
public interface PenaltyContext {

    /** The minibatch, shape (B, 1, 28, 28); it requires gradients. */
    NDArray input();

    /** The network's output before softmax, shape (B, classes). */
    NDArray logits();

    /** Mean cross-entropy of the minibatch, a scalar: (1/B) sum_i loss_i. */
    NDArray loss();

    /** Class indices, shape (B), int32. */
    NDArray labels();

    /** Number of examples B in the minibatch. */
    int batchSize();

    /**
     * The run's random stream for regularizers (e.g. SpectReg's projections), seeded from the
     * run's seed, so a run is reproducible. Use it from the training thread only.
     */
    RandomGenerator random();

    /**
     * d scalar / d input, with the graph kept: the result can itself be differentiated with
     * respect to the network's parameters (double backpropagation). {@code scalar} must be a
     * scalar computed from {@link #input()}. Nothing is accumulated into any gradient buffer.
     */
    NDArray inputGradient(NDArray scalar);

    /** Manager for arrays the regularizer creates; they are released after the step. */
    NDManager manager();

    /**
     * An array of {@code shape} holding {@code values}, in the logits' data type, released after
     * the step. Prefer it to {@code manager().create(float[])}, which allocates a native buffer
     * per call that only the garbage collector frees; this one reuses a buffer per run.
     */
    NDArray constant(float[] values, Shape shape);
}
