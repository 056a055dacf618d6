package io.gradreg.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba, 2015, Algorithm 1) with L2 weight decay added to the gradient, as
 * PyTorch's {@code Adam(weight_decay=...)}:
 *
 * <pre>
 *   g = grad + wd * w;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
 * </pre>
 *
 * One fused native call per parameter (DJL's {@code adamUpdate}); unlike DJL's {@code Adam} the
 * moment estimates and step count are held here, so they can be checkpointed.
 */
final class Adam {

    private final List<NDArray> weights;
    private final List<NDArray> means = new ArrayList<>();
    private final List<NDArray> variances = new ArrayList<>();
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private int steps;

    Adam(List<NDArray> weights, NDManager manager, TrainingConfig config) {
        this.weights = List.copyOf(weights);
        for (NDArray w : weights) {
            means.add(manager.zeros(w.getShape(), w.getDataType()));
            variances.add(manager.zeros(w.getShape(), w.getDataType()));
        }
        this.beta1 = (float) config.beta1();
        this.beta2 = (float) config.beta2();
        this.epsilon = (float) config.epsilon();
        this.weightDecay = (float) config.weightDecay();
    }

    /** Applies one update with the given gradients (same order as the weights). Grad mode must be off. */
    void step(List<NDArray> gradients, double learningRate) {
        steps++;
        double coef1 = 1 - Math.pow(beta1, steps);
        double coef2 = 1 - Math.pow(beta2, steps);
        float lr = (float) learningRate;
        float lrBiasCorrected = (float) (learningRate * Math.sqrt(coef2) / coef1);
        for (int i = 0; i < weights.size(); i++) {
            NDArray w = weights.get(i);
            JniUtils.adamUpdate((PtNDArray) w, (PtNDArray) gradients.get(i), (PtNDArray) means.get(i),
                    (PtNDArray) variances.get(i), lr, lrBiasCorrected, weightDecay, 1f, -1f, beta1, beta2, epsilon,
                    false);
        }
    }

    int steps() {
        return steps;
    }
}
