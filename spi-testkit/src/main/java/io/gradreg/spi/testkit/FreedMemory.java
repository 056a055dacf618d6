package io.gradreg.spi.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Garbage-collection pressure for tests of memory freed too early: collects garbage, then takes
 * many small native blocks and fills them with NaN, which is where a freed scalar's memory goes
 * (see {@link io.gradreg.spi.Scalars}). A gradient computed from such memory comes out NaN or wrong.
 */
public final class FreedMemory {

    private FreedMemory() {
    }

    /**
     * One garbage collection, a pause for the Cleaner thread to free unreachable direct buffers,
     * then {@code blocks} 8-byte native blocks of NaN; hold them while it matters.
     */
    public static List<ByteBuffer> overwriteWithNaN(int blocks) throws InterruptedException {
        System.gc();
        Thread.sleep(20);
        List<ByteBuffer> held = new ArrayList<>(blocks);
        for (int i = 0; i < blocks; i++) {
            held.add(ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder())
                    .putFloat(0, Float.NaN).putFloat(4, Float.NaN));
        }
        return held;
    }

    /** {@code rounds} rounds of {@link #overwriteWithNaN} with {@code blocks} blocks each. */
    public static List<ByteBuffer> churn(int rounds, int blocks) throws InterruptedException {
        List<ByteBuffer> held = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            held.addAll(overwriteWithNaN(blocks));
        }
        return held;
    }
}
