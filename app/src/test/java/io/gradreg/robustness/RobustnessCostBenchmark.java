package io.gradreg.robustness;

import ai.djl.ndarray.NDManager;
import io.gradreg.TestData;
import io.gradreg.data.SubsetSpec;
import io.gradreg.training.Evaluation;
import io.gradreg.training.Evaluator;
import io.gradreg.training.TorchEngine;
import io.gradreg.training.TrainingConfig;
import io.gradreg.training.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the robustness evaluation of one run costs next to its training: a LeNet-5 (baseline, no
 * regularizer) trained for 300 minibatches of 50, then evaluated on the 10,000 test images clean and
 * with {@code fgsm:0.1 pgd:0.1 noise:0.3 gradnorm}, one intra-op thread, as the evaluate step does.
 * A benchmark, not a test: {@code mvn -o test -pl app -Dtest=RobustnessCostBenchmark
 * -Dgradreg.benchmark=true}; it prints the seconds.
 */
@EnabledIfSystemProperty(named = "gradreg.benchmark", matches = "true")
class RobustnessCostBenchmark {

    @Test
    void secondsPerRun() {
        TorchEngine.start(1);
        TrainingConfig config = TrainingConfig.builder().regularizer("none").minibatches(300)
                .subset(SubsetSpec.perClass(200)).seed(1).build();
        byte[] checkpoint;
        long t0 = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
            while (!run.finished()) {
                run.step();
            }
            checkpoint = run.checkpoint();
        }
        double train = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        Evaluation clean = Evaluator.ofCheckpoint(config, checkpoint, TestData.mnist());
        double cleanSeconds = (System.nanoTime() - t1) / 1e9;
        for (String spec : new String[] {"fgsm:0.1", "pgd:0.1", "noise:0.3", "gradnorm",
            "fgsm:0.1 pgd:0.1 noise:0.3 gradnorm"}) {
            long t2 = System.nanoTime();
            Evaluation e = Evaluator.ofCheckpoint(config, checkpoint, TestData.mnist(), RobustnessSpec.parse(spec));
            System.out.printf("robustness '%s': %.1f s (robustness-seconds %.1f); %s%n", spec,
                    (System.nanoTime() - t2) / 1e9, e.measures().get(Measure.SECONDS), e.measures());
        }
        System.out.printf("training 300 minibatches: %.1f s (%.1f ms/minibatch); clean evaluation %.1f s, accuracy %.4f%n",
                train, 1000 * train / 300, cleanSeconds, clean.accuracy());
    }
}
