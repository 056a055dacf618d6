package io.gradreg.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.gradreg.autograd.StagingBuffer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Inverted dropout whose masks come from the run's own random stream: in training each unit is
 * kept with probability 1 - rate and scaled by 1 / (1 - rate); in inference it is the identity.
 *
 * <p>DJL's {@code Dropout} draws from the engine's process-wide generator, which concurrent runs
 * would share; this block makes a run's masks a function of its seed alone.
 */
public final class SeededDropout extends AbstractBlock {

    private final float rate;
    private final Supplier<RandomGenerator> random;
    private final StagingBuffer staging = new StagingBuffer();
    private float[] mask = new float[0];

    /** @param random the stream for the next forward pass's mask (the trainer sets it per minibatch) */
    public SeededDropout(float rate, Supplier<RandomGenerator> random) {
        super((byte) 1);
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), was " + rate);
        }
        this.rate = rate;
        this.random = random;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (!training || rate == 0) {
            return new NDList(x);
        }
        float keep = 1f / (1f - rate);
        int n = Math.toIntExact(x.size());
        RandomGenerator random = this.random.get();
        if (mask.length < n) {
            mask = new float[n];
        }
        for (int i = 0; i < n; i++) {
            mask[i] = random.nextDouble() >= rate ? keep : 0f;
        }
        NDArray m = staging.floats(x.getManager(), mask, x.getShape());
        if (x.getDataType() != DataType.FLOAT32) {
            m = m.toType(x.getDataType(), false);
        }
        return new NDList(x.mul(m));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
