package io.gradreg.training;

import java.util.SplittableRandom;

/**
 * Minibatches drawn from the training subset epoch by epoch: each epoch visits the subset in its
 * own random order (a function of the seed and the epoch number); a minibatch that reaches the end
 * of an epoch continues into the next one. Minibatch t is therefore a function of (seed, t), and a
 * resumed run sees the same minibatches.
 */
final class MinibatchSampler {

    private final int[] subset;
    private final int[] order;
    private final long seed;
    private long epoch = -1;

    MinibatchSampler(int[] subset, long seed) {
        if (subset.length == 0) {
            throw new IllegalArgumentException("the training subset is empty");
        }
        this.subset = subset.clone();
        this.order = new int[subset.length];
        this.seed = seed;
    }

    /** Fills {@code batch} with the indices of minibatch {@code step} (0-based). */
    void fill(int step, int[] batch) {
        long position = (long) step * batch.length;
        for (int i = 0; i < batch.length; i++, position++) {
            long e = position / subset.length;
            if (e != epoch) {
                shuffle(e);
            }
            batch[i] = order[(int) (position % subset.length)];
        }
    }

    private void shuffle(long e) {
        System.arraycopy(subset, 0, order, 0, subset.length);
        SplittableRandom random = Streams.of(seed, Streams.ORDER, e);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        epoch = e;
    }
}
