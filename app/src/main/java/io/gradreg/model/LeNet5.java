package io.gradreg.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * LeNet-5 for 28 x 28 MNIST digits:
 *
 * <pre>
 * conv 6@5x5 pad 2 → ReLU → max-pool 2 → conv 16@5x5 → ReLU → max-pool 2
 *   → dense 120 → ReLU → dense 84 → ReLU → dense 10 (logits)
 * </pre>
 *
 * {@link Architecture#BATCHNORM} inserts batch normalization as {@link BatchNormSettings} say (by
 * default between each convolution or hidden dense layer and its ReLU);
 * {@link Architecture#DROPOUT} adds dropout 0.5 after the last hidden layer. Weights and biases start as {@link Initialization} says, from the given random stream.
 * The second convolution is unpadded ('valid', 16@10x10, the classic LeNet-5) unless
 * {@code conv2Same}, which pads it to keep 14x14 ('same', as TensorFlow's MNIST tutorials do).
 */
public final class LeNet5 {

    /** Input shape of one minibatch of {@code batch} images. */
    public static Shape inputShape(int batch) {
        return new Shape(batch, 1, 28, 28);
    }

    private LeNet5() {
    }

    /**
     * @param initRandom stream for the initial weights
     * @param dropoutRandom stream for the current minibatch's dropout masks (unused unless {@code DROPOUT})
     */
    public static Block build(Architecture architecture, SplittableRandom initRandom,
            Supplier<RandomGenerator> dropoutRandom) {
        return build(architecture, Initialization.GLOROT_UNIFORM, false, BatchNormSettings.DEFAULT, initRandom,
                dropoutRandom);
    }

    /**
     * @param initialization how the parameters start
     * @param conv2Same whether the second convolution is padded to keep its input's size
     * @param batchNorm how {@link Architecture#BATCHNORM} normalizes (unused by the other architectures)
     */
    public static Block build(Architecture architecture, Initialization initialization, boolean conv2Same,
            BatchNormSettings batchNorm, SplittableRandom initRandom, Supplier<RandomGenerator> dropoutRandom) {
        BatchNormSettings bn = architecture == Architecture.BATCHNORM ? batchNorm : null;
        SequentialBlock net = new SequentialBlock();
        net.add(Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2)).setFilters(6).build());
        hidden(net, bn, true);
        net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        Conv2d.Builder conv2 = Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(16);
        net.add((conv2Same ? conv2.optPadding(new Shape(2, 2)) : conv2).build());
        hidden(net, bn, true);
        net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        net.add(Blocks.batchFlattenBlock());
        net.add(Linear.builder().setUnits(120).build());
        hidden(net, bn, false);
        net.add(Linear.builder().setUnits(84).build());
        hidden(net, bn, false);
        if (architecture == Architecture.DROPOUT) {
            net.add(new SeededDropout(0.5f, dropoutRandom));
        }
        net.add(Linear.builder().setUnits(10).build());
        net.setInitializer(initialization.weights(initRandom), Parameter.Type.WEIGHT);
        if (initialization.biases() != null) {
            net.setInitializer(initialization.biases(), Parameter.Type.BIAS);
        }
        return net;
    }

    /** A hidden layer's ReLU, with batch normalization before or after it if {@code bn} normalizes the layer. */
    private static void hidden(SequentialBlock net, BatchNormSettings bn, boolean convolution) {
        boolean normalize = bn != null && bn.normalizes(convolution);
        if (normalize && bn.placement() == BatchNormSettings.Placement.BEFORE_RELU) {
            net.add(bn.block());
        }
        net.add(Activation.reluBlock());
        if (normalize && bn.placement() == BatchNormSettings.Placement.AFTER_RELU) {
            net.add(bn.block());
        }
    }
}
