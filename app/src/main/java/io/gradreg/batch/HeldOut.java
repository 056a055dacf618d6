package io.gradreg.batch;

import io.gradreg.data.Mnist;
import io.gradreg.data.ValidationSampler;
import io.gradreg.plan.RunSpec;
import io.gradreg.plan.SweepSettings;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.Validations;
import io.gradreg.training.Evaluation;
import io.gradreg.training.Evaluator;

/**
 * A sweep run's validation accuracy: its trained network on {@link SweepSettings#validationImages()}
 * of MNIST's training images outside its training subset, drawn with its seed
 * ({@link ValidationSampler}), so every weight of a seed is scored on the same images. Never the
 * test images: those are read only after the selection is recorded.
 */
final class HeldOut {

    private HeldOut() {
    }

    /** Scores and records the run; throws {@link io.gradreg.training.TrainingException} when the parameters cannot be read. */
    static Validations.Validation validate(Mnist mnist, ResultsStore store, long instance, RunSpec run,
            SweepSettings sweep, byte[] trained) {
        int[] subset = store.subsets().get(instance, run.config().subset().toString(), run.config().seed())
                .orElseThrow(() -> new IllegalStateException("no recorded subset for run " + run.key()));
        int[] images = ValidationSampler.outside(mnist.train(), subset, sweep.validationImages(), run.config().seed());
        Evaluation held = Evaluator.ofCheckpoint(run.config(), trained, mnist.train().select(images));
        Validations.Validation v = new Validations.Validation(run.key(), held.accuracy(), held.loss(), images.length);
        store.validations().record(instance, v);
        return v;
    }
}
