package io.gradreg.spi.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small LeNet-style network in float64 with seeded weights: 28x28 input, conv 5x5 (4 maps), average
 * pool 2, conv 5x5 (6 maps), average pool 2, dense 16, dense 10 logits, tanh after every hidden layer.
 *
 * <p>gradreg's LeNet-5 uses ReLU and max pooling. This one is smooth on purpose: central
 * differences are then accurate everywhere (no kink within a step), and the second derivatives
 * that double backpropagation must carry are not zero, so a wrong second-order path shows.
 */
final class TinyLeNet {

    static final int CLASSES = 10;
    static final int PIXELS = 28 * 28;

    private final List<NDArray> parameters;

    TinyLeNet(NDManager manager, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        parameters = List.of(
                gaussian(manager, random, new Shape(4, 1, 5, 5), 25), gaussian(manager, random, new Shape(4), 4),
                gaussian(manager, random, new Shape(6, 4, 5, 5), 100), gaussian(manager, random, new Shape(6), 4),
                gaussian(manager, random, new Shape(16, 96), 96), gaussian(manager, random, new Shape(16), 4),
                gaussian(manager, random, new Shape(CLASSES, 16), 16), gaussian(manager, random, new Shape(CLASSES), 4));
        for (NDArray p : parameters) {
            p.setRequiresGradient(true);
        }
    }

    /** Weights, then bias, of each layer in order; they require gradients. */
    List<NDArray> parameters() {
        return parameters;
    }

    /** Logits (B, 10) of images (B, 1, 28, 28). */
    NDArray forward(NDArray x) {
        NDArray h = pool(Conv2d.conv2d(x, parameters.get(0), parameters.get(1)).singletonOrThrow().tanh());
        h = pool(Conv2d.conv2d(h, parameters.get(2), parameters.get(3)).singletonOrThrow().tanh());
        h = h.reshape(h.getShape().get(0), 96);
        h = Linear.linear(h, parameters.get(4), parameters.get(5)).singletonOrThrow().tanh();
        return Linear.linear(h, parameters.get(6), parameters.get(7)).singletonOrThrow();
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
