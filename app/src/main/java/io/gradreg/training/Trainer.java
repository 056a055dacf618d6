package io.gradreg.training;

import ai.djl.ndarray.NDManager;
import io.gradreg.data.Mnist;
import io.gradreg.regularizer.Regularizers;

/** Trains one configuration from start to end and evaluates it on the test set. */
public final class Trainer {

    private final Mnist mnist;
    private final Regularizers regularizers;

    public Trainer(Mnist mnist, Regularizers regularizers) {
        this.mnist = mnist;
        this.regularizers = regularizers;
    }

    public TrainingResult train(TrainingConfig config, TrainingListener listener) {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, mnist, regularizers, manager)) {
            double seconds = TrainingLoop.fit(run, listener);
            return new TrainingResult(config, run.evaluate(), run.lastLoss(), run.lastPenalty(), seconds);
        }
    }
}
