package io.gradreg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.gradreg.TestData;
import io.gradreg.autograd.TorchPenaltyContext;
import io.gradreg.model.Architecture;
import io.gradreg.model.LeNet5;
import io.gradreg.spi.Regularizer;
import io.gradreg.regularizer.Regularizers;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The paper's claim that SpectReg estimates FrobReg without bias: E_r ||r^T J||^2 = ||J||_F^2 for
 * r ~ N(0, I). Many independent projections on one fixed minibatch must average to FrobReg.
 */
class SpectRegUnbiasednessTest {

    @BeforeAll
    static void engine() {
        TorchEngine.start(1);
    }

    @Test
    void meanOfManyProjectionsConvergesToFrobReg() {
        int draws = 1000;
        Regularizers regularizers = Regularizers.builtIn();
        Regularizer spectreg = regularizers.create("spectreg", Map.of());
        Regularizer frobreg = regularizers.create("frobreg", Map.of());
        GradientCheckTest.mnist = TestData.mnist();
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = GradientCheckTest.warmRun(Architecture.BASELINE, "none", manager)) {
            double[] images = GradientCheckTest.noisyImages(3);
            int[] labels = GradientCheckTest.labels();
            JniUtils.setGradMode(true);
            try (NDManager step = manager.newSubManager()) {
                NDArray x = step.create(images, LeNet5.inputShape(GradientCheckTest.B));
                x.setRequiresGradient(true);
                NDArray y = step.create(labels);
                NDArray logits = run.model().forward(run.parameterStore(), new NDList(x), true).singletonOrThrow();
                NDArray loss = TrainingRun.crossEntropy(logits, y);
                SplittableRandom random = new SplittableRandom(2024);
                TorchPenaltyContext context = new TorchPenaltyContext(x, logits, loss, y, GradientCheckTest.B, random,
                        run.inputGradients(), step);
                double frob = frobreg.penalty(context).getDouble();
                double sum = 0;
                double sumSquares = 0;
                for (int d = 0; d < draws; d++) {
                    try (NDManager draw = step.newSubManager()) {
                        TorchPenaltyContext drawContext = new TorchPenaltyContext(x, logits, loss, y, GradientCheckTest.B, random,
                                run.inputGradients(), draw);
                        double v = spectreg.penalty(drawContext).getDouble();
                        sum += v;
                        sumSquares += v * v;
                    }
                }
                double mean = sum / draws;
                double standardError = Math.sqrt((sumSquares / draws - mean * mean) / (draws - 1));
                // 4 standard errors: a false failure has probability about 6e-5 (and the seed is fixed).
                assertEquals(frob, mean, 4 * standardError,
                        "mean of " + draws + " SpectReg draws " + mean + " +- " + standardError + " vs FrobReg " + frob);
                // and the test is sharp enough to mean something: the standard error is under 5% of FrobReg
                assertTrue(standardError < 0.05 * frob, "standard error " + standardError + " vs " + frob);
            } finally {
                JniUtils.setGradMode(false);
            }
        }
    }
}
