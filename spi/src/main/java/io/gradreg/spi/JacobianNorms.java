package io.gradreg.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** Jacobian norms built from input gradients, for regularizers that penalize them. */
public final class JacobianNorms {

    private JacobianNorms() {
    }

    /**
     * (1/B) sum_i ||d f(x_i) / d x_i||_F^2 for an output {@code f} of shape (B, K).
     *
     * <p>Row k of every example's Jacobian at once is d (sum_i f_ik) / d x, because example i's
     * output depends on x_i only; so K input gradients give the whole batch's Jacobians. (With
     * batch normalization in training mode the examples interact and this includes the small
     * cross-example terms, as the TensorFlow reference implementations of the paper do.)
     */
    public static NDArray meanSquaredFrobenius(PenaltyContext context, NDArray outputs) {
        long classes = outputs.getShape().get(1);
        NDArray total = null;
        for (long k = 0; k < classes; k++) {
            NDArray row = context.inputGradient(outputs.get(new NDIndex(":, {}", k)).sum());
            NDArray squared = row.square().sum();
            total = total == null ? squared : total.add(squared);
        }
        return Scalars.div(total, context.batchSize());
    }
}
