package io.gradreg.autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A reusable native (direct) buffer for copying data from Java into tensors.
 *
 * <p>{@code NDManager.create(float[])} allocates a fresh direct buffer per call, which is freed
 * only when the garbage collector gets to its Java object. A training step creates its inputs
 * every few milliseconds but makes little Java garbage, so collections are rare and those buffers
 * pile up as resident memory (tens of MB per thousand minibatches). Staging through one buffer
 * per purpose keeps memory flat. Tensors created from it must not outlive the next refill.
 */
public final class StagingBuffer {

    private ByteBuffer buffer = ByteBuffer.allocateDirect(0);

    /** A float32 array of {@code shape} holding {@code values[0 .. shape.size())}. */
    public NDArray floats(NDManager manager, float[] values, Shape shape) {
        int n = Math.toIntExact(shape.size());
        ByteBuffer b = reserve(n * Float.BYTES);
        b.asFloatBuffer().put(values, 0, n);
        return manager.create(b, shape, DataType.FLOAT32);
    }

    /** An int32 array of {@code shape} holding {@code values[0 .. shape.size())}. */
    public NDArray ints(NDManager manager, int[] values, Shape shape) {
        int n = Math.toIntExact(shape.size());
        ByteBuffer b = reserve(n * Integer.BYTES);
        b.asIntBuffer().put(values, 0, n);
        return manager.create(b, shape, DataType.INT32);
    }

    private ByteBuffer reserve(int bytes) {
        if (buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        buffer.clear();
        buffer.limit(bytes);
        return buffer;
    }
}
