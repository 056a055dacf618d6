package io.gradreg.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/**
 * Glorot (Xavier) uniform initialization, U(-b, b) with b = sqrt(6 / (fan_in + fan_out)), drawn
 * from a Java {@link SplittableRandom} rather than the engine's global generator, so that a run's
 * initial weights depend on its seed only, even with several runs training in one process.
 *
 * <p>For a weight of shape (out, in, k...) the fans are in * prod(k) and out * prod(k).
 */
public final class GlorotUniform implements Initializer {

    private final SplittableRandom random;

    public GlorotUniform(SplittableRandom random) {
        this.random = random;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        long receptive = 1;
        for (int i = 2; i < shape.dimension(); i++) {
            receptive *= shape.get(i);
        }
        long fanOut = shape.get(0) * receptive;
        long fanIn = (shape.dimension() > 1 ? shape.get(1) : 1) * receptive;
        double bound = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return manager.create(values, shape).toType(dataType, false);
    }
}
