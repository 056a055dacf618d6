package io.gradreg.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws the training subset of a run from the 60,000 MNIST training images, in the two modes the
 * paper uses: a fixed number of images per class ("small MNIST" is 200 per class), or a fixed
 * number in total drawn uniformly without replacement.
 *
 * <p>The draw is a Fisher-Yates shuffle driven by {@link SplittableRandom}, whose sequence is
 * specified by the Java platform, so a seed gives the same subset on every machine and JVM.
 */
public final class SubsetSampler {

    private SubsetSampler() {
    }

    /** {@code perClass} images of each of the ten classes; indices returned in ascending order. */
    public static int[] perClass(Mnist.Split split, int perClass, long seed) {
        if (perClass <= 0) {
            throw new IllegalArgumentException("samples per class must be positive, was " + perClass);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[][] byClass = indicesByClass(split);
        int smallest = 0;
        for (int c = 1; c < Mnist.CLASSES; c++) {
            if (byClass[c].length < byClass[smallest].length) {
                smallest = c;
            }
        }
        if (perClass > byClass[smallest].length) {
            throw new IllegalArgumentException("samples per class " + perClass + " exceeds the "
                    + byClass[smallest].length + " training images of class " + smallest + ", the smallest class");
        }
        int[] subset = new int[perClass * Mnist.CLASSES];
        for (int c = 0; c < Mnist.CLASSES; c++) {
            int[] candidates = byClass[c];
            partialShuffle(candidates, perClass, random);
            System.arraycopy(candidates, 0, subset, c * perClass, perClass);
        }
        Arrays.sort(subset);
        return subset;
    }

    /** {@code total} images drawn uniformly without replacement; ascending order. */
    public static int[] total(Mnist.Split split, int total, long seed) {
        if (total <= 0 || total > split.size()) {
            throw new IllegalArgumentException("training-set size must be within 1.." + split.size() + ", was " + total);
        }
        int[] all = new int[split.size()];
        Arrays.setAll(all, i -> i);
        partialShuffle(all, total, new SplittableRandom(seed));
        int[] subset = Arrays.copyOf(all, total);
        Arrays.sort(subset);
        return subset;
    }

    private static int[][] indicesByClass(Mnist.Split split) {
        int[] counts = new int[Mnist.CLASSES];
        for (int i = 0; i < split.size(); i++) {
            counts[split.label(i)]++;
        }
        int[][] byClass = new int[Mnist.CLASSES][];
        for (int c = 0; c < Mnist.CLASSES; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] fill = new int[Mnist.CLASSES];
        for (int i = 0; i < split.size(); i++) {
            int c = split.label(i);
            byClass[c][fill[c]++] = i;
        }
        return byClass;
    }

    /** Moves a uniform random {@code k}-subset of {@code a} to its first k positions. */
    static void partialShuffle(int[] a, int k, SplittableRandom random) {
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
