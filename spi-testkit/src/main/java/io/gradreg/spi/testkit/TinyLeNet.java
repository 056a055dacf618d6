package io.gradreg.spi.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small LeNet-style network in float64 with seeded weights: 28x28 input, conv 5x5 (4 maps), average
 * pool 2, conv 5x5 (6 maps), average pool 2, dense 16, dense 10 logits, tanh after every hidden layer.
 *
 * <p>gradreg's LeNet-5 uses ReLU and max pooling. This one is smooth on purpose: central
 * differences are then accurate everywhere (no kink within a step), and the second derivatives
 * that double backpropagation must carry are not zero, so a wrong second-order path shows.
 *
 * <p>With batch normalization, each convolution's output is normalized (before tanh) by the
 * minibatch's own statistics per channel, as gradreg trains its {@code batchnorm} architecture,
 * through the same native operation, with a seeded scale and shift per channel (parameters too,
 * after the others, which are the plain network's). The examples of a minibatch are then coupled:
 * each one's logits depend on every image of the minibatch.
 */
final class TinyLeNet {

    static final int CLASSES = 10;
    static final int PIXELS = 28 * 28;

    /** gradreg's default (the {@code batchnorm} architecture's epsilon). */
    private static final float EPSILON = 1e-5f;

    private final boolean batchNorm;
    /** conv1 weight, bias; conv2 weight, bias; dense weight, bias; logits weight, bias; then BN's scale, shift x 2. */
    private final List<NDArray> all;
    private final List<NDArray> parameters;

    TinyLeNet(NDManager manager, long seed) {
        this(manager, seed, false);
    }

    TinyLeNet(NDManager manager, long seed, boolean batchNorm) {
        this.batchNorm = batchNorm;
        SplittableRandom random = new SplittableRandom(seed);
        List<NDArray> p = new ArrayList<>(List.of(
                gaussian(manager, random, new Shape(4, 1, 5, 5), 25), gaussian(manager, random, new Shape(4), 4),
                gaussian(manager, random, new Shape(6, 4, 5, 5), 100), gaussian(manager, random, new Shape(6), 4),
                gaussian(manager, random, new Shape(16, 96), 96), gaussian(manager, random, new Shape(16), 4),
                gaussian(manager, random, new Shape(CLASSES, 16), 16), gaussian(manager, random, new Shape(CLASSES), 4)));
        if (batchNorm) {
            // a convolution's bias before batch normalization is subtracted again with the mean: zero, and no parameter
            p.set(1, manager.zeros(new Shape(4), p.get(1).getDataType()));
            p.set(3, manager.zeros(new Shape(6), p.get(3).getDataType()));
            for (int channels : new int[] {4, 6}) {
                p.add(gaussian(manager, random, new Shape(channels), 100).add(1)); // scale near 1
                p.add(gaussian(manager, random, new Shape(channels), 100));        // shift near 0
            }
        }
        all = List.copyOf(p);
        List<NDArray> trained = new ArrayList<>(all);
        if (batchNorm) {
            trained.remove(3);
            trained.remove(1);
        }
        parameters = List.copyOf(trained);
        for (NDArray a : parameters) {
            a.setRequiresGradient(true);
        }
    }

    /** Weights, then bias, of each layer in order (with batch norm: no convolution bias; scale, shift last); they require gradients. */
    List<NDArray> parameters() {
        return parameters;
    }

    /** Logits (B, 10) of images (B, 1, 28, 28). */
    NDArray forward(NDArray x) {
        NDArray h = pool(normalized(Conv2d.conv2d(x, all.get(0), all.get(1)).singletonOrThrow(), 8).tanh());
        h = pool(normalized(Conv2d.conv2d(h, all.get(2), all.get(3)).singletonOrThrow(), 10).tanh());
        h = h.reshape(h.getShape().get(0), 96);
        h = Linear.linear(h, all.get(4), all.get(5)).singletonOrThrow().tanh();
        return Linear.linear(h, all.get(6), all.get(7)).singletonOrThrow();
    }

    /** Batch normalization with the scale and shift at {@code parameter}, {@code parameter + 1}, in training mode. */
    private NDArray normalized(NDArray h, int parameter) {
        if (!batchNorm) {
            return h;
        }
        long channels = h.getShape().get(1);
        // running statistics are updated in place and never read in training mode: fresh ones each time
        NDArray runningMean = h.getManager().zeros(new Shape(channels), h.getDataType());
        NDArray runningVar = h.getManager().ones(new Shape(channels), h.getDataType());
        return BatchNorm.batchNorm(h, runningMean, runningVar, all.get(parameter), all.get(parameter + 1), 1,
                0.1f, EPSILON, true).singletonOrThrow();
    }

    private static NDArray pool(NDArray x) {
        return Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
    }

    /** N(0, 1/fanIn): tanh units neither saturated nor linear. */
    private static NDArray gaussian(NDManager manager, SplittableRandom random, Shape shape, int fanIn) {
        double[] values = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian() / Math.sqrt(fanIn);
        }
        return manager.create(values, shape);
    }
}
