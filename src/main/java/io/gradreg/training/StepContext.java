package io.gradreg.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.gradreg.regularizer.PenaltyContext;
import java.util.random.RandomGenerator;

/** The {@link PenaltyContext} of one training step. */
record StepContext(
        NDArray input,
        NDArray logits,
        NDArray loss,
        NDArray labels,
        int batchSize,
        RandomGenerator random,
        InputGradients gradients,
        NDManager manager) implements PenaltyContext {

    @Override
    public NDArray inputGradient(NDArray scalar) {
        if (!scalar.getShape().isScalar()) {
            throw new IllegalArgumentException("inputGradient needs a scalar, got shape " + scalar.getShape());
        }
        return gradients.gradient(scalar, input);
    }
}
