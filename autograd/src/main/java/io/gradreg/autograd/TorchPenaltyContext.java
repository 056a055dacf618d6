package io.gradreg.autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.gradreg.spi.PenaltyContext;
import io.gradreg.spi.Scalars;
import java.util.random.RandomGenerator;

/**
 * The {@link PenaltyContext} of one minibatch on DJL's PyTorch engine: gradreg's training step and
 * the plugin test kit both use this class, so a penalty is tested exactly as it is trained.
 * {@link #inputGradient} differentiates with the graph kept through {@link InputGradients}
 * (double backpropagation).
 */
public record TorchPenaltyContext(
        NDArray input,
        NDArray logits,
        NDArray loss,
        NDArray labels,
        int batchSize,
        RandomGenerator random,
        InputGradients gradients,
        NDManager manager,
        StagingBuffer staging) implements PenaltyContext {

    public TorchPenaltyContext(NDArray input, NDArray logits, NDArray loss, NDArray labels, int batchSize,
            RandomGenerator random, InputGradients gradients, NDManager manager) {
        this(input, logits, loss, labels, batchSize, random, gradients, manager, new StagingBuffer());
    }

    /** (1/B) sum_i -log softmax(z_i)[y_i]: the loss a penalty is added to. */
    public static NDArray meanCrossEntropy(NDArray logits, NDArray labels) {
        NDArray logP = logits.logSoftmax(1);
        NDArray oneHot = labels.oneHot(Math.toIntExact(logits.getShape().get(1))).toType(logits.getDataType(), false);
        return Scalars.div(logP.mul(oneHot).sum().neg(), logits.getShape().get(0));
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

    /**
     * Why {@code penalty} cannot be added to the loss, or null if it can: it must be a scalar. The
     * text continues "regularizer 'x' ", and {@code where} names the minibatch (e.g. "at minibatch
     * 3 of the run with seed 1").
     */
    public static String notAScalar(NDArray penalty, int batchSize, String where) {
        if (penalty != null && penalty.getShape().isScalar()) {
            return null;
        }
        String returned = penalty == null ? "returned null" : "returned a penalty of shape " + penalty.getShape();
        String perExample = penalty != null && penalty.getShape().dimension() > 0
                && penalty.getShape().get(0) == batchSize
                ? ": one value per example of the minibatch of " + batchSize : "";
        return returned + " " + where + perExample + ". A penalty must be a scalar, the mean of the per-example "
                + "values over the minibatch: sum them, then divide by the batch size, as in "
                + "Scalars.div(perExample.sum(), context.batchSize())";
    }
}
