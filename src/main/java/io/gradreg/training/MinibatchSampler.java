package io.gradreg.training;

import java.util.SplittableRandom;

/**
 * Minibatches drawn from the training subset epoch by epoch: each epoch visits the subset in a
 * fresh random order; a minibatch that reaches the end of an epoch continues into the next one.
 */
final class MinibatchSampler {

    private final int[] subset;
    private final int[] order;
    private final SplittableRandom random;
    private int position;

    MinibatchSampler(int[] subset, SplittableRandom random) {
        this.subset = subset.clone();
        this.order = subset.clone();
        this.random = random;
        shuffle();
    }

    /** Fills {@code batch} with the next indices into the training split. */
    void next(int[] batch) {
        for (int i = 0; i < batch.length; i++) {
            if (position == order.length) {
                shuffle();
            }
            batch[i] = order[position++];
        }
    }

    private void shuffle() {
        System.arraycopy(subset, 0, order, 0, subset.length);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        position = 0;
    }
}
