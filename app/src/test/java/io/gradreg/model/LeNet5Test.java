package io.gradreg.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.gradreg.model.BatchNormSettings.Layers;
import io.gradreg.model.BatchNormSettings.Placement;
import io.gradreg.training.TorchEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batch-norm network is built as its {@link BatchNormSettings} say, and by default as it always was. */
class LeNet5Test {

    private static final int BATCH = 8;

    @BeforeAll
    static void engine() {
        TorchEngine.start(1);
    }

    @Test
    void runningStatisticsKeepMomentumTimesTheOldOnesAsTensorFlowDoes() {
        // DJL's PyTorch engine passes 1 - momentum to torch.batch_norm, whose momentum weighs the
        // batch: running ← m·running + (1 − m)·batch, from running mean 0 and variance 1, with the
        // batch's unbiased variance. m = 0.9 (the default, checked here) gives 0.1·mean, not 0.9·mean.
        for (double momentum : new double[] {0.9, 0.99, 0.5}) {
            BatchNormSettings settings = BatchNormSettings.DEFAULT.withMomentum(momentum);
            try (NDManager manager = NDManager.newBaseManager()) {
                SequentialBlock net = batchNormNet(settings, manager);
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = input(manager);
                NDArray conv = net.getChildren().get(0).getValue().forward(store, new NDList(x), true).singletonOrThrow();
                double[][] values = byChannel(conv);
                double[] mean = new double[6];
                double[] variance = new double[6];
                for (int c = 0; c < 6; c++) {
                    mean[c] = java.util.Arrays.stream(values[c]).average().orElseThrow();
                    double m = mean[c];
                    variance[c] = java.util.Arrays.stream(values[c]).map(v -> (v - m) * (v - m)).sum()
                            / (values[c].length - 1);
                }
                net.forward(store, new NDList(x), true);
                BatchNorm first = (BatchNorm) net.getChildren().get(1).getValue();
                double[] runningMean = statistic(first, "runningMean");
                double[] runningVar = statistic(first, "runningVar");
                for (int c = 0; c < 6; c++) {
                    assertEquals((1 - momentum) * mean[c], runningMean[c], 1e-6, "running mean, m " + momentum);
                    assertEquals(momentum + (1 - momentum) * variance[c], runningVar[c], 1e-5, "running var, m " + momentum);
                }
            }
        }
    }

    @Test
    void evaluationNormalizesWithTheRunningStatisticsAndTheEpsilon() {
        for (double epsilon : new double[] {1e-5, 1e-3, 0.5}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SequentialBlock net = batchNormNet(BatchNormSettings.DEFAULT.withEpsilon(epsilon), manager);
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = input(manager);
                net.forward(store, new NDList(x), true); // moves the running statistics away from 0 and 1
                Block conv = net.getChildren().get(0).getValue();
                BatchNorm bn = (BatchNorm) net.getChildren().get(1).getValue();
                NDArray c = conv.forward(store, new NDList(x), false).singletonOrThrow();
                NDArray mean = bn.getParameters().get("runningMean").getArray().reshape(1, 6, 1, 1);
                NDArray var = bn.getParameters().get("runningVar").getArray().reshape(1, 6, 1, 1);
                // γ = 1 and β = 0 as initialized: (c − running mean) / √(running var + ε)
                float[] expected = c.sub(mean).div(var.add((float) epsilon).sqrt()).toFloatArray();
                float[] actual = bn.forward(store, new NDList(c), false).singletonOrThrow().toFloatArray();
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-5, "epsilon " + epsilon + " at " + i);
                }
            }
        }
    }

    @Test
    void placementPutsEveryBatchNormBeforeOrAfterItsReLU() {
        assertEquals(List.of("Conv2d", "BatchNorm", "relu", "pool", "Conv2d", "BatchNorm", "relu", "pool", "flatten",
                "Linear", "BatchNorm", "relu", "Linear", "BatchNorm", "relu", "Linear"),
                layers(BatchNormSettings.DEFAULT));
        assertEquals(List.of("Conv2d", "relu", "BatchNorm", "pool", "Conv2d", "relu", "BatchNorm", "pool", "flatten",
                "Linear", "relu", "BatchNorm", "Linear", "relu", "BatchNorm", "Linear"),
                layers(BatchNormSettings.DEFAULT.withPlacement(Placement.AFTER_RELU)));
    }

    @Test
    void convolutionsOnlyNormalizesTheTwoConvolutions() {
        assertEquals(List.of("Conv2d", "BatchNorm", "relu", "pool", "Conv2d", "BatchNorm", "relu", "pool", "flatten",
                "Linear", "relu", "Linear", "relu", "Linear"), layers(BatchNormSettings.DEFAULT.withLayers(Layers.CONV)));
        try (NDManager manager = NDManager.newBaseManager()) {
            SequentialBlock all = batchNormNet(BatchNormSettings.DEFAULT, manager);
            SequentialBlock conv = batchNormNet(BatchNormSettings.DEFAULT.withLayers(Layers.CONV), manager);
            assertEquals(List.of(6L, 16L, 120L, 84L), normalizedChannels(all));
            assertEquals(List.of(6L, 16L), normalizedChannels(conv));
        }
    }

    @Test
    void otherArchitecturesIgnoreTheSettings() {
        BatchNormSettings tf = new BatchNormSettings(0.99, 1e-3, Placement.AFTER_RELU, Layers.CONV);
        for (Architecture a : List.of(Architecture.BASELINE, Architecture.DROPOUT)) {
            assertEquals(names(LeNet5.build(a, Initialization.GLOROT_UNIFORM, false, BatchNormSettings.DEFAULT,
                    new SplittableRandom(1), () -> null)), names(LeNet5.build(a, Initialization.GLOROT_UNIFORM, false,
                    tf, new SplittableRandom(1), () -> null)), a.id());
        }
    }

    @Test
    void defaultSettingsBuildTheNetworkOfBeforeToTheBit() {
        // the batch-norm LeNet-5 as built before BatchNormSettings existed: DJL's BatchNorm defaults,
        // between each hidden layer and its ReLU
        try (NDManager manager = NDManager.newBaseManager()) {
            SequentialBlock before = new SequentialBlock();
            before.add(Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2)).setFilters(6).build());
            before.add(BatchNorm.builder().build()).add(Activation.reluBlock());
            before.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            before.add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(16).build());
            before.add(BatchNorm.builder().build()).add(Activation.reluBlock());
            before.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            before.add(Blocks.batchFlattenBlock());
            before.add(Linear.builder().setUnits(120).build());
            before.add(BatchNorm.builder().build()).add(Activation.reluBlock());
            before.add(Linear.builder().setUnits(84).build());
            before.add(BatchNorm.builder().build()).add(Activation.reluBlock());
            before.add(Linear.builder().setUnits(10).build());
            before.setInitializer(Initialization.GLOROT_UNIFORM.weights(new SplittableRandom(5)), Parameter.Type.WEIGHT);
            before.initialize(manager, DataType.FLOAT32, LeNet5.inputShape(BATCH));
            Block now = LeNet5.build(Architecture.BATCHNORM, Initialization.GLOROT_UNIFORM, false,
                    BatchNormSettings.DEFAULT, new SplittableRandom(5), () -> null);
            now.initialize(manager, DataType.FLOAT32, LeNet5.inputShape(BATCH));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = input(manager);
            for (boolean training : new boolean[] {true, true, false}) {
                assertArrayEquals(before.forward(store, new NDList(x), training).singletonOrThrow().toFloatArray(),
                        now.forward(store, new NDList(x), training).singletonOrThrow().toFloatArray());
            }
            ai.djl.nn.ParameterList a = before.getParameters();
            ai.djl.nn.ParameterList b = now.getParameters();
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) { // running statistics included
                assertArrayEquals(a.get(i).getValue().getArray().toFloatArray(),
                        b.get(i).getValue().getArray().toFloatArray(), a.get(i).getKey());
            }
        }
    }

    private static SequentialBlock batchNormNet(BatchNormSettings settings, NDManager manager) {
        Block net = LeNet5.build(Architecture.BATCHNORM, Initialization.GLOROT_UNIFORM, false, settings,
                new SplittableRandom(3), () -> null);
        net.initialize(manager, DataType.FLOAT32, LeNet5.inputShape(BATCH));
        return (SequentialBlock) net;
    }

    private static NDArray input(NDManager manager) {
        SplittableRandom random = new SplittableRandom(11);
        float[] pixels = new float[BATCH * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        return manager.create(pixels, LeNet5.inputShape(BATCH));
    }

    /** An (N, C, H, W) array's values per channel. */
    private static double[][] byChannel(NDArray a) {
        int n = (int) a.getShape().get(0);
        int channels = (int) a.getShape().get(1);
        int plane = (int) (a.getShape().get(2) * a.getShape().get(3));
        float[] v = a.toFloatArray();
        double[][] out = new double[channels][n * plane];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                for (int j = 0; j < plane; j++) {
                    out[c][i * plane + j] = v[(i * channels + c) * plane + j];
                }
            }
        }
        return out;
    }

    private static double[] statistic(BatchNorm bn, String name) {
        return bn.getParameters().get(name).getArray().toType(DataType.FLOAT64, false).toDoubleArray();
    }

    private static List<String> layers(BatchNormSettings settings) {
        return names(LeNet5.build(Architecture.BATCHNORM, Initialization.GLOROT_UNIFORM, false, settings,
                new SplittableRandom(1), () -> null));
    }

    /** The layers in order; DJL's lambda blocks (ReLU, pooling, flattening) told apart by their output on a probe. */
    private static List<String> names(Block net) {
        List<String> names = new ArrayList<>();
        for (Pair<String, Block> child : net.getChildren()) {
            Block block = child.getValue();
            names.add(block instanceof ai.djl.nn.LambdaBlock ? lambdaKind(block) : block.getClass().getSimpleName());
        }
        return names;
    }

    private static String lambdaKind(Block block) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray probe = manager.create(new float[] {-1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            NDArray out = block.forward(new ParameterStore(manager, false), new NDList(probe), false).singletonOrThrow();
            if (out.getShape().equals(new Shape(1, 4))) {
                return "flatten";
            }
            return out.getShape().equals(probe.getShape()) ? "relu" : "pool";
        }
    }

    private static List<Long> normalizedChannels(SequentialBlock net) {
        List<Long> channels = new ArrayList<>();
        for (Pair<String, Block> child : net.getChildren()) {
            if (child.getValue() instanceof BatchNorm bn) {
                channels.add(bn.getParameters().get("runningMean").getArray().getShape().get(0));
            }
        }
        return channels;
    }
}
