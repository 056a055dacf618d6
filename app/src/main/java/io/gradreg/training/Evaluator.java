package io.gradreg.training;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.gradreg.data.Mnist;
import io.gradreg.model.LeNet5;
import io.gradreg.robustness.RobustnessEvaluator;
import io.gradreg.robustness.RobustnessResult;
import io.gradreg.robustness.RobustnessSpec;
import io.gradreg.autograd.StagingBuffer;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * Test accuracy and mean cross-entropy of a network on the 10,000 MNIST test images, in inference
 * mode (dropout off, batch-norm running statistics). {@link #ofCheckpoint} evaluates a trained
 * run from its checkpoint without building what training needs (optimizer, regularizer, subset).
 */
public final class Evaluator {

    private static final int CHUNK = 1000;

    private Evaluator() {
    }

    /** Evaluates {@code model} (already initialized) on the test split. */
    static Evaluation evaluate(Block model, ParameterStore parameters, NDManager manager, DataType dataType,
            Mnist.Split test) {
        StagingBuffer pixelStaging = new StagingBuffer();
        StagingBuffer labelStaging = new StagingBuffer();
        float[] images = new float[CHUNK * Mnist.PIXELS];
        int[] truth = new int[CHUNK];
        long correct = 0;
        double lossSum = 0;
        for (int start = 0; start < test.size(); start += CHUNK) {
            int n = Math.min(CHUNK, test.size() - start);
            for (int i = 0; i < n; i++) {
                test.copyImage(start + i, images, i * Mnist.PIXELS);
                truth[i] = test.label(start + i);
            }
            try (NDManager evalManager = manager.newSubManager()) {
                NDArray x = pixelStaging.floats(evalManager, images, LeNet5.inputShape(n));
                if (dataType != DataType.FLOAT32) {
                    x = x.toType(dataType, false);
                }
                NDArray y = labelStaging.ints(evalManager, truth, new Shape(n));
                NDArray logits = model.forward(parameters, new NDList(x), false).singletonOrThrow();
                correct += logits.argMax(1).toType(DataType.INT32, false).eq(y).sum().getLong();
                lossSum += TrainingRun.crossEntropy(logits, y).toType(DataType.FLOAT64, false).getDouble() * n;
            }
        }
        if (!Double.isFinite(lossSum)) {
            // never a result: a network with non-finite parameters classifies at chance with a NaN loss
            throw new TrainingException("the trained network's test loss is " + lossSum / test.size()
                    + " (its parameters are not finite); the run diverged");
        }
        return new Evaluation((double) correct / test.size(), lossSum / test.size(), test.size());
    }

    /**
     * Evaluates the network of a {@link TrainingRun#checkpoint()} of a run configured as
     * {@code config}: only its parameters are read.
     */
    public static Evaluation ofCheckpoint(TrainingConfig config, byte[] checkpoint, Mnist mnist) {
        return ofCheckpoint(config, checkpoint, mnist, RobustnessSpec.NONE);
    }

    /**
     * As {@link #ofCheckpoint(TrainingConfig, byte[], Mnist)}, and measures the network's
     * robustness as {@code robustness} asks on the same 10,000 test images, with the run's seed.
     */
    public static Evaluation ofCheckpoint(TrainingConfig config, byte[] checkpoint, Mnist mnist,
            RobustnessSpec robustness) {
        return withNetwork(config, checkpoint, (model, parameters, manager, dataType) -> {
            Evaluation clean = evaluate(model, parameters, manager, dataType, mnist.test());
            if (robustness.isEmpty()) {
                return clean;
            }
            RobustnessResult r = RobustnessEvaluator.evaluate(model, parameters, manager, dataType, mnist.test(),
                    mnist.test().size(), robustness, config.seed());
            return new Evaluation(clean.accuracy(), clean.loss(), clean.examples(), r.measures());
        });
    }

    /** The robustness of the network of a checkpoint on the first {@code images} test images (tests, benchmarks). */
    public static RobustnessResult robustnessOfCheckpoint(TrainingConfig config, byte[] checkpoint, Mnist mnist,
            RobustnessSpec robustness, int images) {
        return withNetwork(config, checkpoint, (model, parameters, manager, dataType) -> RobustnessEvaluator.evaluate(
                model, parameters, manager, dataType, mnist.test(), images, robustness, config.seed()));
    }

    /**
     * Evaluates the network of a checkpoint on {@code images} alone, without robustness measures:
     * a weight sweep's held-out validation images ({@link Mnist.Split#select}).
     */
    public static Evaluation ofCheckpoint(TrainingConfig config, byte[] checkpoint, Mnist.Split images) {
        return withNetwork(config, checkpoint, (model, parameters, manager, dataType) -> evaluate(model, parameters,
                manager, dataType, images));
    }

    private interface NetworkUse<T> {
        T apply(Block model, ParameterStore parameters, NDManager manager, DataType dataType);
    }

    private static <T> T withNetwork(TrainingConfig config, byte[] checkpoint, NetworkUse<T> use) {
        DataType dataType = config.precision() == TrainingConfig.Precision.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block model = LeNet5.build(config.architecture(), config.initialization(), config.conv2Same(), config.batchNorm(),
                    new SplittableRandom(0), () -> null); // the initial values are overwritten below
            model.initialize(manager, dataType, LeNet5.inputShape(1));
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(checkpoint))) {
                TrainingRun.readCheckpointHeader(in);
                model.loadParameters(manager, in);
            } catch (IOException | MalformedModelException | RuntimeException e) { // a damaged length field, too
                throw new TrainingException("cannot read the trained parameters of the run with seed " + config.seed()
                        + ": " + e.getMessage(), e);
            }
            return use.apply(model, new ParameterStore(manager, false), manager, dataType);
        }
    }
}
