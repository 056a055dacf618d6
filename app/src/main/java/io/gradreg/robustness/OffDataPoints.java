package io.gradreg.robustness;

import io.gradreg.data.Mnist;
import java.util.SplittableRandom;

/**
 * Inputs away from the data, where gradient norms say how the network behaves between and beyond
 * the training images: uniform-noise images (every pixel uniform on [0, 1]) and midpoints
 * (x_i + x_j) / 2 of test images of different classes.
 */
final class OffDataPoints {

    private OffDataPoints() {
    }

    /** Fills {@code target} with {@code n} uniform-noise images drawn from {@code random}. */
    static void noise(float[] target, int n, SplittableRandom random) {
        for (int i = 0; i < n * Mnist.PIXELS; i++) {
            target[i] = (float) random.nextDouble();
        }
    }

    /**
     * Fills {@code target} with the midpoint of each of the {@code n} images in {@code images} and
     * its partner: the next image of the chunk (cyclically) whose label differs. Without such an
     * image (all {@code n} of one class) the image's partner is itself. Deterministic, no randomness.
     */
    static void midpoints(float[] images, int[] labels, int n, float[] target) {
        for (int i = 0; i < n; i++) {
            int j = i;
            for (int k = 1; k < n; k++) {
                int candidate = (i + k) % n;
                if (labels[candidate] != labels[i]) {
                    j = candidate;
                    break;
                }
            }
            int a = i * Mnist.PIXELS;
            int b = j * Mnist.PIXELS;
            for (int p = 0; p < Mnist.PIXELS; p++) {
                target[a + p] = (images[a + p] + images[b + p]) / 2;
            }
        }
    }
}
