package io.gradreg.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws a run's validation images: {@code count} of MNIST's 60,000 training images, uniformly
 * without replacement from those <em>outside</em> the run's training subset. The draw depends
 * only on the seed and the training subset, so every weight of a seed is validated on the same
 * images and comparisons across weights are paired.
 *
 * <p>The stream is {@link SplittableRandom} seeded with the run's seed xor {@link #SALT}, so it
 * is not the stream that drew the training subset from the same seed; the shuffle is the same
 * partial Fisher-Yates as {@link SubsetSampler}'s (one shuffle, shared).
 */
public final class ValidationSampler {

    /** Keeps the validation stream apart from the training draw of the same seed ("valid" in ASCII). */
    static final long SALT = 0x76616c6964L;

    private ValidationSampler() {
    }

    /** {@code count} indices of {@code split} not in {@code training} (ascending), drawn with {@code seed}. */
    public static int[] outside(Mnist.Split split, int[] training, int count, long seed) {
        boolean[] taken = new boolean[split.size()];
        for (int i : training) {
            taken[i] = true;
        }
        int[] rest = new int[split.size()];
        int n = 0;
        for (int i = 0; i < split.size(); i++) {
            if (!taken[i]) {
                rest[n++] = i;
            }
        }
        if (count <= 0 || count > n) {
            throw new IllegalArgumentException("validation images must be within 1.." + n + " (the training images "
                    + "outside a training subset of " + (split.size() - n) + "), was " + count);
        }
        int[] candidates = Arrays.copyOf(rest, n);
        SubsetSampler.partialShuffle(candidates, count, new SplittableRandom(seed ^ SALT));
        int[] validation = Arrays.copyOf(candidates, count);
        Arrays.sort(validation);
        return validation;
    }
}
