package io.gradreg.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/**
 * N(0, sigma^2) truncated at 2 sigma (values beyond are drawn again), as TensorFlow's
 * {@code truncated_normal}; from a Java {@link SplittableRandom}, like {@link GlorotUniform}.
 */
final class TruncatedNormal implements Initializer {

    private final SplittableRandom random;
    private final double sigma;

    TruncatedNormal(SplittableRandom random, double sigma) {
        this.random = random;
        this.sigma = sigma;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            double z;
            do {
                z = random.nextGaussian();
            } while (Math.abs(z) > 2);
            values[i] = (float) (z * sigma);
        }
        return manager.create(values, shape).toType(dataType, false);
    }
}
