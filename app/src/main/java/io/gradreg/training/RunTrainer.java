package io.gradreg.training;

import ai.djl.ndarray.NDManager;
import io.gradreg.data.Mnist;

/** Trains one configuration from start to end and evaluates it on the test set. */
public final class RunTrainer {

    private final Mnist mnist;

    public RunTrainer(Mnist mnist) {
        this.mnist = mnist;
    }

    /** Trains {@code config} with {@code penalty} (the regularizer its config names). */
    public TrainingResult train(TrainingConfig config, Penalty penalty, TrainingListener... listeners) {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, mnist, penalty, manager)) {
            double seconds = TrainingLoop.fit(run, listeners);
            return new TrainingResult(config, run.evaluate(), run.lastLoss(), run.lastPenalty(), seconds);
        }
    }
}
