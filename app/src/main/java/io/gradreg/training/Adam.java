package io.gradreg.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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

    private final NDManager manager;
    private final List<NDArray> means = new ArrayList<>();
    private final List<NDArray> variances = new ArrayList<>();
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private int steps;

    Adam(List<NDArray> weights, NDManager manager, TrainingConfig config) {
        this.manager = manager;
        for (NDArray w : weights) {
            means.add(manager.zeros(w.getShape(), w.getDataType()));
            variances.add(manager.zeros(w.getShape(), w.getDataType()));
        }
        this.beta1 = (float) config.beta1();
        this.beta2 = (float) config.beta2();
        this.epsilon = (float) config.epsilon();
        this.weightDecay = (float) config.weightDecay();
    }

    /** Updates {@code weights} in place with {@code gradients} (same order). Grad mode must be off. */
    void step(List<NDArray> weights, List<NDArray> gradients, double learningRate) {
        steps++;
        double coef1 = 1 - Math.pow(beta1, steps);
        double coef2 = 1 - Math.pow(beta2, steps);
        float lr = (float) learningRate;
        float lrBiasCorrected = (float) (learningRate * Math.sqrt(coef2) / coef1);
        for (int i = 0; i < weights.size(); i++) {
            JniUtils.adamUpdate((PtNDArray) weights.get(i), (PtNDArray) gradients.get(i), (PtNDArray) means.get(i),
                    (PtNDArray) variances.get(i), lr, lrBiasCorrected, weightDecay, 1f, -1f, beta1, beta2, epsilon,
                    false);
        }
    }

    void save(DataOutputStream out) throws IOException {
        out.writeInt(steps);
        out.writeInt(means.size());
        for (int i = 0; i < means.size(); i++) {
            writeArray(out, means.get(i));
            writeArray(out, variances.get(i));
        }
    }

    void load(DataInputStream in) throws IOException {
        steps = in.readInt();
        int n = in.readInt();
        if (n != means.size()) {
            throw new IOException("checkpoint holds optimizer state for " + n + " parameters, the model has " + means.size());
        }
        for (int i = 0; i < n; i++) {
            replace(means, i, readArray(in));
            replace(variances, i, readArray(in));
        }
    }

    private void replace(List<NDArray> list, int i, NDArray array) {
        list.get(i).close();
        list.set(i, array);
    }

    private static void writeArray(DataOutputStream out, NDArray array) throws IOException {
        byte[] bytes = array.encode();
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private NDArray readArray(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return manager.decode(bytes);
    }
}
