package io.gradreg.spi;

import ai.djl.ndarray.NDArray;

/**
 * A penalty added to the training loss: {@code loss = mean cross-entropy + weight * penalty}.
 *
 * <h2>Scaling over the batch (one convention for every regularizer)</h2>
 * A penalty is a <em>per-example quantity averaged over the minibatch</em>, exactly like the
 * cross-entropy it is added to: for a minibatch x_1..x_B,
 * <pre>
 *   penalty = (1/B) * sum_i p(x_i)
 * </pre>
 * where p(x_i) is the regularizer's value for example i alone (for DoubleBack
 * ||d loss_i / d x_i||^2 with loss_i the cross-entropy of example i, not of the batch mean;
 * for FrobReg ||J_i||_F^2 with J_i = d z(x_i) / d x_i; and so on). A weight therefore means the
 * same thing at every batch size and across regularizers: it trades one unit of mean
 * cross-entropy for one unit of mean per-example penalty. See docs/regularizers.md for how this
 * relates to the paper's published weights.
 *
 * <p>The weight is applied by the trainer, in one place, so raw and weighted penalties can both be
 * reported. An implementation returns the raw penalty as a scalar array that is differentiable
 * with respect to the network's parameters (build it from {@link PenaltyContext} tensors).
 * Implementations are used by one training run at a time, from one thread.
 */
@FunctionalInterface
public interface Regularizer {

    /** The raw penalty of this minibatch, a scalar. */
    NDArray penalty(PenaltyContext context);

    /**
     * Whether {@link #penalty} calls {@link PenaltyContext#inputGradient}. Return false only for a
     * penalty built from the outputs alone (as the confidence penalty is): the trainer then does
     * not make the minibatch require gradients, and every backward pass skips the first layer's
     * gradient with respect to the input, which is about 40 % of an unregularized step (see
     * docs/performance.md). {@code inputGradient} then fails. Since SPI 1.1.
     */
    default boolean usesInputGradients() {
        return true;
    }
}
