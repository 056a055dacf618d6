package io.gradreg.robustness;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.gradreg.autograd.InputGradients;

/**
 * A trained network seen as a function of its input, in inference mode (dropout off, batch-norm
 * running statistics): logits, predictions and first derivatives with respect to the input.
 * Derivatives come from {@link InputGradients#firstOrder}, so nothing accumulates in any
 * parameter's {@code .grad} and no gradient collector is needed (one per JVM). Each derivative is
 * computed in a manager of its own, closed before returning: only the result stays, attached to the
 * input's manager, so a loop of PGD steps holds one step's activations at a time.
 */
final class Classifier implements AutoCloseable {

    private final Block model;
    private final ParameterStore parameters;
    private final DataType dataType;
    private final InputGradients gradients;

    Classifier(Block model, ParameterStore parameters, DataType dataType, NDManager manager) {
        this.model = model;
        this.parameters = parameters;
        this.dataType = dataType;
        this.gradients = InputGradients.firstOrder(manager);
    }

    DataType dataType() {
        return dataType;
    }

    /** The logits of {@code x} (no graph). */
    NDArray logits(NDArray x) {
        return model.forward(parameters, new NDList(x), false).singletonOrThrow();
    }

    /** The predicted class of every image of {@code x}. */
    int[] predictions(NDArray x) {
        try (NDManager scratch = x.getManager().newSubManager()) {
            NDArray input = x.duplicate();
            input.attach(scratch);
            return logits(input).argMax(1).toType(DataType.INT32, false).toIntArray();
        }
    }

    /**
     * d (sum_i loss_i) / d x: row i is the gradient of image i's cross-entropy at its class in
     * {@code oneHot} (one row per image, in the input's data type) with respect to image i.
     */
    NDArray lossGradient(NDArray x, NDArray oneHot) {
        return vectorJacobian(x, oneHot, true);
    }

    /** d (sum_i z_i . weights_i) / d x: row i is the vector-Jacobian product weights_i^T dz_i/dx_i. */
    NDArray vectorJacobian(NDArray x, NDArray weights) {
        return vectorJacobian(x, weights, false);
    }

    private NDArray vectorJacobian(NDArray x, NDArray weights, boolean crossEntropy) {
        NDManager owner = x.getManager();
        try (NDManager scratch = owner.newSubManager()) {
            NDArray leaf = x.duplicate();
            leaf.attach(scratch);
            NDArray gradient;
            JniUtils.setGradMode(true);
            try {
                leaf.setRequiresGradient(true);
                NDArray z = logits(leaf);
                NDArray y = crossEntropy ? z.logSoftmax(1).mul(weights).sum().neg() : z.mul(weights).sum();
                gradient = gradients.gradient(y, leaf);
            } finally {
                JniUtils.setGradMode(false);
            }
            gradient.attach(owner);
            return gradient;
        }
    }

    @Override
    public void close() {
        gradients.close();
    }
}
