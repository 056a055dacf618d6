package io.gradreg.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.gradreg.model.StagingBuffer;
import io.gradreg.spi.PenaltyContext;
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
        NDManager manager,
        StagingBuffer staging) implements PenaltyContext {

    StepContext(NDArray input, NDArray logits, NDArray loss, NDArray labels, int batchSize, RandomGenerator random,
            InputGradients gradients, NDManager manager) {
        this(input, logits, loss, labels, batchSize, random, gradients, manager, new StagingBuffer());
    }

    @Override
    public NDArray constant(float[] values, Shape shape) {
        if (values.length != shape.size()) {
            throw new IllegalArgumentException(values.length + " values do not fill shape " + shape);
        }
        NDArray array = staging.floats(manager, values, shape);
        return array.getDataType() == logits.getDataType() ? array : array.toType(logits.getDataType(), false);
    }

    @Override
    public NDArray inputGradient(NDArray scalar) {
        if (!scalar.getShape().isScalar()) {
            throw new IllegalArgumentException("inputGradient needs a scalar, got shape " + scalar.getShape());
        }
        if (!input.hasGradient()) { // PyTorch: requires_grad
            throw new IllegalStateException("inputGradient was called by a regularizer whose usesInputGradients() "
                    + "returns false; return true there");
        }
        return gradients.gradient(scalar, input);
    }
}
