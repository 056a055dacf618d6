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
import io.gradreg.model.StagingBuffer;
import io.gradreg.regularizer.Regularizer;
import io.gradreg.regularizer.Regularizers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

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
    private final Regularizer regularizer;
    private final NDManager manager;
    private final Block model;
    private final ParameterStore parameterStore;
    private final List<NDArray> trainable = new ArrayList<>();
    private final Adam adam;
    private final MinibatchSampler sampler;
    private final SplittableRandom regularizerRandom;
    private final InputGradients inputGradients;
    private final DataType dataType;
    private final int[] batch;
    private final float[] pixels;
    private final int[] labels;
    private final StagingBuffer pixelStaging = new StagingBuffer();
    private final StagingBuffer labelStaging = new StagingBuffer();
    private int step;
    private double lastLoss = Double.NaN;
    private double lastPenalty = Double.NaN;

    public TrainingRun(TrainingConfig config, Mnist mnist, Regularizers regularizers, NDManager parent) {
        this.config = config;
        this.mnist = mnist;
        this.regularizerName = config.regularizer();
        this.regularizer = regularizers.create(config.regularizer(), config.regularizerParameters());
        this.dataType = config.precision() == TrainingConfig.Precision.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
        SplittableRandom master = new SplittableRandom(config.seed());
        long subsetSeed = master.nextLong();
        SplittableRandom initRandom = master.split();
        SplittableRandom dropoutRandom = master.split();
        SplittableRandom batchRandom = master.split();
        this.regularizerRandom = master.split();
        this.manager = parent.newSubManager();
        this.model = LeNet5.build(config.architecture(), initRandom, dropoutRandom);
        model.initialize(manager, dataType, LeNet5.inputShape(config.batchSize()));
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (p.getValue().requiresGradient()) {
                NDArray array = p.getValue().getArray();
                array.setRequiresGradient(true);
                trainable.add(array);
            }
        }
        this.parameterStore = new ParameterStore(manager, false);
        this.adam = new Adam(trainable, manager, config);
        this.sampler = new MinibatchSampler(config.subset().draw(mnist.train(), subsetSeed), batchRandom);
        this.inputGradients = new InputGradients(manager);
        this.batch = new int[config.batchSize()];
        this.pixels = new float[config.batchSize() * Mnist.PIXELS];
        this.labels = new int[config.batchSize()];
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
        sampler.next(batch);
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
                x.setRequiresGradient(true);
                NDArray logits = model.forward(parameterStore, new NDList(x), true).singletonOrThrow();
                loss = crossEntropy(logits, y);
                StepContext context = new StepContext(x, logits, loss, y, batch.length, regularizerRandom,
                        inputGradients, stepManager);
                penalty = penalty(context);
                NDArray total = config.weight() == 0 ? loss : loss.add(penalty.mul(config.weight()));
                JniUtils.backward((PtNDArray) total, (PtNDArray) stepManager.ones(new Shape(), dataType), false, false);
            } finally {
                JniUtils.setGradMode(false);
            }
            lastLoss = loss.toType(DataType.FLOAT64, false).getDouble();
            lastPenalty = penalty.toType(DataType.FLOAT64, false).getDouble();
            if (!Double.isFinite(lastLoss) || !Double.isFinite(lastPenalty)) {
                throw new TrainingException("run with seed " + config.seed() + " diverged at minibatch " + (step + 1)
                        + ": loss " + lastLoss + ", penalty of regularizer '" + regularizerName + "' " + lastPenalty
                        + (Double.isFinite(lastPenalty) ? "; try a smaller learning rate" : ""));
            }
            // getGradient returns a new handle attached to the parameter's (long-lived) manager;
            // close each one here or 10 handles a step would pile up for the whole run.
            List<NDArray> gradients = new ArrayList<>(trainable.size());
            try {
                for (NDArray w : trainable) {
                    gradients.add(JniUtils.getGradient((PtNDArray) w));
                }
                adam.step(gradients, learningRate);
            } finally {
                gradients.forEach(NDArray::close);
            }
            for (NDArray w : trainable) {
                JniUtils.zeroGrad((PtNDArray) w);
            }
        }
        step++;
        return new TrainingListener.Progress(step, config.minibatches(), lastLoss, lastPenalty, learningRate,
                System.nanoTime() - start);
    }

    private NDArray penalty(StepContext context) {
        NDArray penalty;
        try {
            penalty = regularizer.penalty(context);
        } catch (RuntimeException e) {
            throw new TrainingException("regularizer '" + regularizerName + "' failed at minibatch " + (step + 1)
                    + " of the run with seed " + config.seed() + ": " + e, e);
        }
        if (penalty == null || !penalty.getShape().isScalar()) {
            throw new TrainingException("regularizer '" + regularizerName + "' must return a scalar penalty, returned "
                    + (penalty == null ? "null" : "shape " + penalty.getShape()));
        }
        return penalty;
    }

    /** (1/B) sum_i -log softmax(z_i)[y_i]. */
    static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logP = logits.logSoftmax(1);
        NDArray oneHot = labels.oneHot(Math.toIntExact(logits.getShape().get(1))).toType(logits.getDataType(), false);
        return logP.mul(oneHot).sum().neg().div(logits.getShape().get(0));
    }

    /** Accuracy and mean cross-entropy on the test set, in inference mode. */
    public Evaluation evaluate() {
        Mnist.Split test = mnist.test();
        int chunk = 1000;
        float[] images = new float[chunk * Mnist.PIXELS];
        int[] truth = new int[chunk];
        long correct = 0;
        double lossSum = 0;
        for (int start = 0; start < test.size(); start += chunk) {
            int n = Math.min(chunk, test.size() - start);
            for (int i = 0; i < n; i++) {
                test.copyImage(start + i, images, i * Mnist.PIXELS);
                truth[i] = test.label(start + i);
            }
            try (NDManager evalManager = manager.newSubManager()) {
                NDArray x = toType(pixelStaging.floats(evalManager, images, LeNet5.inputShape(n)));
                NDArray y = labelStaging.ints(evalManager, truth, new Shape(n));
                NDArray logits = model.forward(parameterStore, new NDList(x), false).singletonOrThrow();
                correct += logits.argMax(1).toType(DataType.INT32, false).eq(y).sum().getLong();
                lossSum += crossEntropy(logits, y).toType(DataType.FLOAT64, false).getDouble() * n;
            }
        }
        return new Evaluation((double) correct / test.size(), lossSum / test.size(), test.size());
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
