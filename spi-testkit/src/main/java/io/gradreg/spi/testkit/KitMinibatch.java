package io.gradreg.spi.testkit;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The kit's seeded minibatch (synthetic images in [0, 1), labels) and what a reference definition
 * may use of each example, computed independently of autograd: the network's logits and, by
 * central differences, their Jacobian with respect to the image.
 */
final class KitMinibatch {

    /** Seed of the tiny network's parameters. */
    static final long NETWORK_SEED = 7;
    private static final long DATA_SEED = 11;
    private static final double PIXEL_STEP = 1e-5;

    private KitMinibatch() {
    }

    static double[] images(int b) {
        SplittableRandom random = new SplittableRandom(DATA_SEED);
        double[] images = new double[b * TinyLeNet.PIXELS];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextDouble();
        }
        return images;
    }

    static int[] labels(int b) {
        SplittableRandom random = new SplittableRandom(DATA_SEED + 1);
        int[] labels = new int[b];
        for (int i = 0; i < b; i++) {
            labels[i] = random.nextInt(TinyLeNet.CLASSES);
        }
        return labels;
    }

    static List<Example> examples(double[] images, int[] labels, KitRandom random) {
        List<Example> examples = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            TinyLeNet net = new TinyLeNet(manager, NETWORK_SEED);
            double[] logits = logits(net, manager, images, labels.length);
            for (int i = 0; i < labels.length; i++) {
                double[] input = Arrays.copyOfRange(images, i * TinyLeNet.PIXELS, (i + 1) * TinyLeNet.PIXELS);
                examples.add(new Example(input, labels[i], Arrays.copyOfRange(logits, i * TinyLeNet.CLASSES,
                        (i + 1) * TinyLeNet.CLASSES), KitMinibatch::logitJacobian, random));
            }
        }
        return examples;
    }

    /** d z / d x of one image by central differences: one forward pass of 2 * 784 perturbed copies. */
    static double[][] logitJacobian(double[] image) {
        int n = TinyLeNet.PIXELS;
        double[] batch = new double[2 * n * n];
        for (int q = 0; q < n; q++) {
            System.arraycopy(image, 0, batch, (2 * q) * n, n);
            System.arraycopy(image, 0, batch, (2 * q + 1) * n, n);
            batch[(2 * q) * n + q] += PIXEL_STEP;
            batch[(2 * q + 1) * n + q] -= PIXEL_STEP;
        }
        double[] z;
        try (NDManager manager = NDManager.newBaseManager()) {
            z = logits(new TinyLeNet(manager, NETWORK_SEED), manager, batch, 2 * n);
        }
        int k = TinyLeNet.CLASSES;
        double[][] jacobian = new double[k][n];
        for (int q = 0; q < n; q++) {
            for (int c = 0; c < k; c++) {
                jacobian[c][q] = (z[(2 * q) * k + c] - z[(2 * q + 1) * k + c]) / (2 * PIXEL_STEP);
            }
        }
        return jacobian;
    }

    static double[] logits(TinyLeNet net, NDManager manager, double[] images, int b) {
        try (NDManager m = manager.newSubManager()) {
            return net.forward(m.create(images, new Shape(b, 1, 28, 28))).toDoubleArray();
        }
    }
}
