package io.gradreg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.gradreg.TestData;
import io.gradreg.autograd.TorchPenaltyContext;
import io.gradreg.data.Mnist;
import io.gradreg.model.LeNet5;
import io.gradreg.plan.ExperimentSpec;
import io.gradreg.plan.RunSpec;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.regularizer.WeightConvention;
import io.gradreg.spi.Scalars;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The paper's weight convention is gradreg's mean convention rescaled, and nothing else. The
 * paper's DoubleBack penalty is written here from its formula, lambda * ||d L / d x||^2 with L
 * the batch's mean cross-entropy (the gradient of the whole batch, squared and summed), and
 * compared with gradreg's DoubleBack at the weight {@link WeightConvention#PAPER} converts 50 to.
 */
class PaperConventionTest {

    static final int B = 50;
    static Mnist mnist;

    @BeforeAll
    static void setUp() {
        TorchEngine.start(1);
        mnist = TestData.mnist();
    }

    @Test
    void doubleBackAtThePapersWeight50TrainsLikeWeight1InTheMeanConvention() {
        Regularizers regularizers = Regularizers.builtIn();
        double meanWeight = WeightConvention.PAPER.toMean(regularizers.get("doubleback"), 50, B);
        assertEquals(1.0, meanWeight, 1e-15);

        TrainingConfig config = TrainingConfig.builder().regularizer("doubleback").weight(meanWeight).batchSize(B)
                .minibatches(100).seed(4).build();
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, mnist, TestData.penalty(config), manager)) {
            for (int s = 0; s < 20; s++) {
                run.step(); // away from the initialization, so that the gradients are not tiny
            }
            Result gradreg = weightedPenaltyAndGradients(run, manager,
                    (context, loss) -> Scalars.mul(run.regularizer().penalty(context), meanWeight));
            Result paper = weightedPenaltyAndGradients(run, manager,
                    (context, loss) -> Scalars.mul(context.inputGradient(loss).square().sum(), 50));

            assertTrue(paper.weightedPenalty > 1e-6, "a vacuous check: the penalty is ~0");
            assertEquals(paper.weightedPenalty, gradreg.weightedPenalty, 1e-6 * paper.weightedPenalty);
            assertEquals(paper.gradients.size(), gradreg.gradients.size());
            for (int t = 0; t < paper.gradients.size(); t++) {
                double[] a = gradreg.gradients.get(t);
                double[] b = paper.gradients.get(t);
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < a.length; i++) {
                    diff += (a[i] - b[i]) * (a[i] - b[i]);
                    norm += b[i] * b[i];
                }
                assertTrue(norm > 0, "parameter " + t + " has no gradient");
                assertTrue(Math.sqrt(diff / norm) <= 1e-6,
                        "parameter " + t + ": relative difference " + Math.sqrt(diff / norm));
            }
        }
    }

    @Test
    void twoShortRunsConfiguredInEitherConventionEndAtTheSameAccuracy() {
        RunSpec paper = onlyRun("paper", "50");
        RunSpec mean = onlyRun("mean", "1");
        assertEquals(50, paper.jobWeight());
        assertEquals(1, mean.jobWeight());
        assertEquals(mean.config(), paper.config(), "both conventions plan the same run");
        RunTrainer trainer = new RunTrainer(mnist);
        TrainingResult a = trainer.train(paper.config(), TestData.penalty(paper.config()), p -> { });
        TrainingResult b = trainer.train(mean.config(), TestData.penalty(mean.config()), p -> { });
        assertEquals(b.test().accuracy(), a.test().accuracy());
        assertEquals(b.finalLoss(), a.finalLoss());
        assertEquals(b.finalPenalty(), a.finalPenalty());
    }

    private static RunSpec onlyRun(String convention, String weight) {
        Properties job = new Properties();
        job.setProperty("regularizers", "doubleback");
        job.setProperty("weight-convention", convention);
        job.setProperty("weight.doubleback", weight);
        job.setProperty("train-sizes", "10/class");
        job.setProperty("runs", "1");
        job.setProperty("minibatches", "60");
        job.setProperty("batch-size", Integer.toString(B));
        List<RunSpec> runs = ExperimentSpec.parse(job, new Properties(), Regularizers.builtIn()).runs();
        assertEquals(1, runs.size());
        return runs.get(0);
    }

    private record Result(double weightedPenalty, List<double[]> gradients) {
    }

    /** One minibatch: loss + weighted penalty, backward, and every parameter's gradient. */
    private static Result weightedPenaltyAndGradients(TrainingRun run, NDManager manager,
            BiFunction<TorchPenaltyContext, NDArray, NDArray> weightedPenalty) {
        float[] pixels = new float[B * Mnist.PIXELS];
        int[] labels = new int[B];
        for (int i = 0; i < B; i++) {
            mnist.train().copyImage(100 + i, pixels, i * Mnist.PIXELS);
            labels[i] = mnist.train().label(100 + i);
        }
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(pixels, LeNet5.inputShape(B));
            NDArray y = step.create(labels);
            List<double[]> gradients = new ArrayList<>();
            double value;
            JniUtils.setGradMode(true);
            try {
                x.setRequiresGradient(true);
                NDArray logits = run.model().forward(run.parameterStore(), new NDList(x), true).singletonOrThrow();
                NDArray loss = TrainingRun.crossEntropy(logits, y);
                TorchPenaltyContext context = new TorchPenaltyContext(x, logits, loss, y, B, new SplittableRandom(1),
                        run.inputGradients(), step);
                NDArray penalty = weightedPenalty.apply(context, loss);
                value = penalty.toType(DataType.FLOAT64, false).getDouble();
                JniUtils.backward((PtNDArray) loss.add(penalty), (PtNDArray) step.ones(new Shape()), false, false);
            } finally {
                JniUtils.setGradMode(false);
            }
            for (NDArray w : run.parameters()) {
                gradients.add(JniUtils.getGradient((PtNDArray) w).toType(DataType.FLOAT64, false).toDoubleArray());
                JniUtils.zeroGrad((PtNDArray) w);
            }
            return new Result(value, gradients);
        }
    }
}
