package io.gradreg.spi.testkit;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The random stream a penalty gets from {@code context.random()} in the kit. Every method derives
 * from {@link #nextLong()}, which draws from a seeded {@link SplittableRandom} and records what it
 * drew, so that a stream can also replay one evaluation's draws twice: the minibatch repeated
 * twice then gets, for each copy of an example, the draws that example got alone (provided the
 * penalty draws example by example, in order, as SpectReg does).
 */
final class KitRandom implements RandomGenerator {

    private final SplittableRandom source;
    private final long[] replay;
    private int replayed;
    private long[] drawn = new long[16];
    private int count;

    private KitRandom(long seed, long[] replay) {
        this.source = new SplittableRandom(seed);
        this.replay = replay;
    }

    static KitRandom seeded(long seed) {
        return new KitRandom(seed, new long[0]);
    }

    /** {@code draws}, then {@code draws} again, then a fresh stream. */
    static KitRandom replayingTwice(long[] draws, long seed) {
        return new KitRandom(seed, draws);
    }

    @Override
    public long nextLong() {
        long value = replayed < 2 * replay.length ? replay[replayed++ % replay.length] : source.nextLong();
        if (count == drawn.length) {
            drawn = Arrays.copyOf(drawn, 2 * count);
        }
        drawn[count++] = value;
        return value;
    }

    /** Every value {@link #nextLong()} returned so far. */
    long[] drawn() {
        return Arrays.copyOf(drawn, count);
    }
}
