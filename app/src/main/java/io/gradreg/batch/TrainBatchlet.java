package io.gradreg.batch;

import ai.djl.ndarray.NDManager;
import io.gradreg.metrics.JobLabels;
import io.gradreg.metrics.TrainingMeters;
import io.gradreg.spi.RegularizerException;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.RunRecord;
import io.gradreg.training.TrainingException;
import io.gradreg.training.TrainingListener;
import io.gradreg.training.TrainingRun;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import io.quarkus.arc.Unremovable;

/**
 * Step "train", one partition: trains one run, resuming from its last checkpoint, and records the
 * final parameters. A run already trained (e.g. before a restart) is not trained again. A run that
 * diverges or whose regularizer throws is recorded as failed; the other partitions go on.
 */
@Named
@Unremovable
@Dependent
public class TrainBatchlet extends AbstractBatchlet {

    @Inject
    @BatchProperty(name = "run-key")
    String runKey;

    @Inject
    JobContext jobContext;

    @Inject
    JobOperator operator;

    @Inject
    Services services;

    @Inject
    JobProgress progress;

    @Inject
    TrainingMeters meters;

    private volatile boolean stopRequested;

    @Override
    public String process() {
        ExperimentSpec spec = JobSupport.spec(jobContext, operator, services);
        RunSpec run = spec.run(runKey);
        ResultsStore store = services.store();
        long instance = jobContext.getInstanceId();
        RunRecord record = store.run(instance, runKey)
                .orElseThrow(() -> new IllegalStateException("run " + runKey + " was not planned by step 'sample'"));
        switch (record.status()) {
            case TRAINED, EVALUATED, FAILED -> {
                return "ALREADY " + record.status();
            }
            default -> {
            }
        }
        int[] subset = store.subset(instance, run.config().subset().toString(), run.config().seed())
                .orElseThrow(() -> new IllegalStateException("no recorded subset for run " + runKey));
        store.markTraining(instance, runKey, jobContext.getExecutionId());
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun training = new TrainingRun(run.config(), subset, services.mnist(), services.regularizers(),
                        manager)) {
            var checkpoint = store.checkpoint(instance, runKey);
            if (checkpoint.isPresent()) {
                training.restore(checkpoint.get());
                store.markResumed(instance, runKey, training.minibatchesDone());
            }
            TrainingListener metrics = meters.forRun(
                    new JobLabels(jobContext.getJobName(), jobContext.getExecutionId(), spec.experiment()),
                    record.architecture(), record.regularizer(), record.trainSize(), record.runIndex());
            long start = System.nanoTime();
            while (!training.finished()) {
                if (stopRequested) {
                    return "STOPPED";
                }
                TrainingListener.Progress p = training.step();
                progress.update(instance, runKey, p.minibatch());
                metrics.onMinibatch(p);
                if (p.minibatch() % spec.checkpointEvery() == 0 && !training.finished()) {
                    store.saveCheckpoint(instance, runKey, p.minibatch(), training.checkpoint());
                }
            }
            store.markTrained(instance, runKey, training.minibatchesDone(), training.checkpoint(), training.lastLoss(),
                    training.lastPenalty(), (System.nanoTime() - start) / 1e9);
            return "TRAINED";
        } catch (TrainingException | RegularizerException e) {
            store.markFailed(instance, runKey, e.getMessage());
            return "FAILED";
        }
    }

    @Override
    public void stop() {
        stopRequested = true;
    }
}
