package io.gradreg.training;

import java.util.SplittableRandom;

/**
 * The random streams of a run, each a pure function of the run's seed and an index (the
 * minibatch, or the epoch), so that a run resumed from a checkpoint at minibatch t draws exactly
 * what it would have drawn had it never stopped.
 */
final class Streams {

    static final int SUBSET = 1;
    static final int INIT = 2;
    static final int ORDER = 3;
    static final int DROPOUT = 4;
    static final int REGULARIZER = 5;

    private Streams() {
    }

    static SplittableRandom of(long seed, int stream, long index) {
        return new SplittableRandom(seedOf(seed, stream, index));
    }

    static long seedOf(long seed, int stream, long index) {
        return mix64(mix64(seed ^ 0x9E3779B97F4A7C15L * stream) + index);
    }

    /** Stafford's variant 13 of the 64-bit MurmurHash3 finalizer, as in SplittableRandom. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
