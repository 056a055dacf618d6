package io.gradreg.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.gradreg.data.Mnist;
import io.gradreg.model.LeNet5;
import io.gradreg.autograd.InputGradients;
import io.gradreg.autograd.StagingBuffer;
import io.gradreg.autograd.TorchPenaltyContext;
import io.gradreg.spi.Regularizer;
import io.gradreg.spi.Scalars;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import ai.djl.MalformedModelException;

/**
 * One training run: a LeNet-5, its optimizer and its random streams, stepped one minibatch at a
 * time. Every source of randomness (subset, initial weights, minibatch order, dropout masks,
 * regularizer noise) is a stream split in a fixed order from the run's seed.
 *
 * <p>A step is: forward in training mode; loss = mean cross-entropy; penalty from the
 * regularizer; one first-order backward of loss + weight * penalty (the penalty's own input
 * gradients come from {@link InputGradients}, which accumulates nothing); an Adam update. All of
 * a step's arrays live in a sub-manager closed at the end of the step, and no parameter's
 * gradient ever holds a graph, so memory stays flat however long the run.
 *
 * <p>Not thread-safe: use a run from one thread (runs on different threads are independent).
 */
public final class TrainingRun implements AutoCloseable {

    private final TrainingConfig config;
    private final Mnist mnist;
    private final String regularizerName;
    private final String regularizerLabel;
    private final Regularizer regularizer;
    private final NDManager manager;
    private final Block model;
    private final ParameterStore parameterStore;
    private final List<NDArray> trainable = new ArrayList<>();
    private final Adam adam;
    private final MinibatchSampler sampler;
    private RandomGenerator dropoutRandom;
    private final InputGradients inputGradients;
    private final DataType dataType;
    private final int[] batch;
    private final float[] pixels;
    private final int[] labels;
    private final StagingBuffer pixelStaging = new StagingBuffer();
    private final StagingBuffer labelStaging = new StagingBuffer();
    private final StagingBuffer regularizerStaging = new StagingBuffer();
    private int step;
    private double lastLoss = Double.NaN;
    private double lastPenalty = Double.NaN;

    /** A run on the subset its seed draws. */
    public TrainingRun(TrainingConfig config, Mnist mnist, Penalty penalty, NDManager parent) {
        this(config, drawSubset(config, mnist), mnist, penalty, parent);
    }

    /** A run on a given subset of the training split (e.g. one recorded by a batch job). */
    public TrainingRun(TrainingConfig config, int[] subset, Mnist mnist, Penalty penalty, NDManager parent) {
        this.config = config;
        this.mnist = mnist;
        this.regularizerName = config.regularizer();
        this.regularizerLabel = penalty.label();
        this.regularizer = penalty.regularizer();
        this.dataType = config.precision() == TrainingConfig.Precision.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
        this.manager = parent.newSubManager();
        this.model = LeNet5.build(config.architecture(), config.initialization(), config.conv2Same(), config.batchNorm(),
                Streams.of(config.seed(), Streams.INIT, 0),
                () -> dropoutRandom);
        model.initialize(manager, dataType, LeNet5.inputShape(config.batchSize()));
        collectTrainable();
        this.parameterStore = new ParameterStore(manager, false);
        this.adam = new Adam(trainable, manager, config);
        this.sampler = new MinibatchSampler(subset, config.seed());
        this.inputGradients = new InputGradients(manager);
        this.batch = new int[config.batchSize()];
        this.pixels = new float[config.batchSize() * Mnist.PIXELS];
        this.labels = new int[config.batchSize()];
    }

    /** The training subset of {@code config}: a function of its size and seed. */
    public static int[] drawSubset(TrainingConfig config, Mnist mnist) {
        return config.subset().draw(mnist.train(), subsetSeed(config.seed()));
    }

    /** Seed of the subset draw of a run with {@code seed}. */
    public static long subsetSeed(long seed) {
        return Streams.seedOf(seed, Streams.SUBSET, 0);
    }

    private void collectTrainable() {
        trainable.clear();
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (p.getValue().requiresGradient()) {
                NDArray array = p.getValue().getArray();
                array.setRequiresGradient(true);
                trainable.add(array);
            }
        }
    }

    public TrainingConfig config() {
        return config;
    }

    /** Minibatches done so far. */
    public int minibatchesDone() {
        return step;
    }

    public boolean finished() {
        return step >= config.minibatches();
    }

    /** Trains one minibatch and reports it. */
    public TrainingListener.Progress step() {
        long start = System.nanoTime();
        double learningRate = config.learningRateAt(step);
        sampler.fill(step, batch);
        dropoutRandom = Streams.of(config.seed(), Streams.DROPOUT, step);
        SplittableRandom regularizerRandom = Streams.of(config.seed(), Streams.REGULARIZER, step);
        for (int i = 0; i < batch.length; i++) {
            mnist.train().copyImage(batch[i], pixels, i * Mnist.PIXELS);
            labels[i] = mnist.train().label(batch[i]);
        }
        try (NDManager stepManager = manager.newSubManager()) {
            NDArray x = toType(pixelStaging.floats(stepManager, pixels, LeNet5.inputShape(batch.length)));
            NDArray y = labelStaging.ints(stepManager, labels, new Shape(batch.length));
            NDArray loss;
            NDArray penalty;
            JniUtils.setGradMode(true);
            try {
                if (regularizer.usesInputGradients()) {
                    x.setRequiresGradient(true);
                }
                NDArray logits = model.forward(parameterStore, new NDList(x), true).singletonOrThrow();
                loss = crossEntropy(logits, y);
                TorchPenaltyContext context = new TorchPenaltyContext(x, logits, loss, y, batch.length, regularizerRandom,
                        inputGradients, stepManager, regularizerStaging);
                penalty = penalty(context);
                NDArray total = config.weight() == 0 ? loss : loss.add(Scalars.mul(penalty, config.weight()));
                JniUtils.backward((PtNDArray) total, (PtNDArray) stepManager.ones(new Shape(), dataType), false, false);
            } finally {
                JniUtils.setGradMode(false);
            }
            lastLoss = loss.toType(DataType.FLOAT64, false).getDouble();
            lastPenalty = penalty.toType(DataType.FLOAT64, false).getDouble();
            if (!Double.isFinite(lastLoss) || !Double.isFinite(lastPenalty)) {
                throw new TrainingException("run with seed " + config.seed() + " diverged at minibatch " + (step + 1)
                        + ": loss " + lastLoss + ", penalty of regularizer " + regularizerLabel + " " + lastPenalty
                        + (Double.isFinite(lastPenalty) ? "; try a smaller learning rate" : ""));
            }
            // getGradient returns a new handle attached to the parameter's (long-lived) manager;
            // close each one here or 10 handles a step would pile up for the whole run.
            List<NDArray> gradients = new ArrayList<>(trainable.size());
            try {
                for (NDArray w : trainable) {
                    gradients.add(JniUtils.getGradient((PtNDArray) w));
                }
                adam.step(trainable, gradients, learningRate);
            } finally {
                gradients.forEach(NDArray::close);
            }
            for (NDArray w : trainable) {
                JniUtils.zeroGrad((PtNDArray) w);
            }
        }
        step++;
        if (finished() && !parametersFinite()) {
            // no later loss shows it: the last update itself made them non-finite
            throw new TrainingException("run with seed " + config.seed() + " diverged at minibatch " + step
                    + ": its last update made the network's parameters non-finite (loss before it " + lastLoss
                    + "); try a smaller learning rate");
        }
        return new TrainingListener.Progress(step, config.minibatches(), lastLoss, lastPenalty, learningRate,
                System.nanoTime() - start);
    }

    /** Whether every trainable parameter is finite (a sum is NaN or infinite if any element is). */
    private boolean parametersFinite() {
        for (NDArray w : trainable) {
            try (NDArray wide = w.toType(DataType.FLOAT64, true); NDArray sum = wide.sum()) {
                if (!Double.isFinite(sum.getDouble())) {
                    return false;
                }
            }
        }
        return true;
    }

    private NDArray penalty(TorchPenaltyContext context) {
        NDArray penalty;
        try {
            penalty = regularizer.penalty(context);
        } catch (RuntimeException | LinkageError e) {
            throw new TrainingException("regularizer " + regularizerLabel + " failed at minibatch " + (step + 1)
                    + " of the run with seed " + config.seed() + ": " + e, e);
        }
        String notAScalar = TorchPenaltyContext.notAScalar(penalty, context.batchSize(),
                "at minibatch " + (step + 1) + " of the run with seed " + config.seed());
        if (notAScalar != null) {
            throw new TrainingException("regularizer " + regularizerLabel + " " + notAScalar);
        }
        return penalty;
    }

    /** (1/B) sum_i -log softmax(z_i)[y_i]. */
    static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return TorchPenaltyContext.meanCrossEntropy(logits, labels);
    }

    /** Accuracy and mean cross-entropy on the test set, in inference mode. */
    public Evaluation evaluate() {
        return Evaluator.evaluate(model, parameterStore, manager, dataType, mnist.test());
    }

    private static final int CHECKPOINT_MAGIC = 0x47524B31; // "GRK1"

    /**
     * Everything needed to continue this run exactly: minibatches done, all model parameters
     * (batch-norm statistics included), the optimizer's moments and step count, and the last loss.
     * The random streams need no saving: they are functions of the seed and the minibatch.
     */
    public byte[] checkpoint() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(CHECKPOINT_MAGIC);
            out.writeInt(step);
            out.writeDouble(lastLoss);
            out.writeDouble(lastPenalty);
            model.saveParameters(out);
            adam.save(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Continues from a {@link #checkpoint()} of a run with the same configuration. */
    public void restore(byte[] checkpoint) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(checkpoint))) {
            double[] header = readCheckpointHeader(in);
            int restoredStep = (int) header[0];
            double loss = header[1];
            double penalty = header[2];
            model.loadParameters(manager, in);
            collectTrainable();
            adam.load(in);
            step = restoredStep;
            lastLoss = loss;
            lastPenalty = penalty;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            // a damaged length field can surface as any runtime exception (NegativeArraySizeException, ...)
            throw new TrainingException("cannot restore the checkpoint of the run with seed " + config.seed() + ": "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
    }

    /** Reads a checkpoint's header: {minibatches done, last loss, last penalty}; the model's parameters follow. */
    static double[] readCheckpointHeader(DataInputStream in) throws IOException {
        if (in.readInt() != CHECKPOINT_MAGIC) {
            throw new IOException("not a gradreg checkpoint");
        }
        int step = in.readInt();
        return new double[] {step, in.readDouble(), in.readDouble()};
    }

    public double lastLoss() {
        return lastLoss;
    }

    public double lastPenalty() {
        return lastPenalty;
    }

    /** The trainable parameters, in a fixed order (for tests and checkpoints). */
    public List<NDArray> parameters() {
        return List.copyOf(trainable);
    }

    Block model() {
        return model;
    }

    ParameterStore parameterStore() {
        return parameterStore;
    }

    InputGradients inputGradients() {
        return inputGradients;
    }

    Regularizer regularizer() {
        return regularizer;
    }

    private NDArray toType(NDArray array) {
        return dataType == DataType.FLOAT32 ? array : array.toType(dataType, false);
    }

    @Override
    public void close() {
        inputGradients.close();
        manager.close();
    }
}
