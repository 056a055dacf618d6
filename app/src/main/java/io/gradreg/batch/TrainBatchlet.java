package io.gradreg.batch;

import ai.djl.ndarray.NDManager;
import io.gradreg.metrics.JobLabels;
import io.gradreg.metrics.TrainingMeters;
import io.gradreg.plan.PlanSettings;
import io.gradreg.plan.RunSpec;
import io.gradreg.plan.Sharding;
import io.gradreg.spi.RegularizerException;
import io.gradreg.results.BuildInfo;
import io.gradreg.store.Claim;
import io.gradreg.store.ClaimLostException;
import io.gradreg.store.DamagedCheckpointException;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.RunRecord;
import io.gradreg.training.CurveRecorder;
import io.gradreg.training.Evaluation;
import io.gradreg.training.Evaluator;
import io.gradreg.training.MemoryExhaustion;
import io.gradreg.training.TrainingException;
import io.gradreg.training.TrainingListener;
import io.gradreg.training.TrainingLoop;
import io.gradreg.training.TrainingRun;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Optional;
import io.quarkus.arc.Unremovable;

/**
 * Step "train", one partition: trains one run, resuming from its last checkpoint, records the
 * final parameters and evaluates them at once (then they leave the store; a weight sweep's run is
 * scored on its validation images instead, and keeps its parameters for the evaluate step). A run already trained (e.g. before a restart) is not trained again. A run that
 * diverges or whose regularizer throws is recorded as failed; the other partitions go on.
 *
 * <p>The run is trained only under a claim (a lease in the database, renewed as training goes
 * on and checked in the same transaction as every checkpoint and the final record): when another
 * live process holds it, this one waits until that process finishes the run or its lease expires
 * (it died), then skips or takes over the run from its last checkpoint.
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
    Workspace workspace;

    @Inject
    PlanStore plans;

    @Inject
    JobProgress progress;

    @Inject
    TrainingMeters meters;

    @Inject
    GracefulStop gracefulStop;

    private volatile boolean stopRequested;

    @Override
    public String process() {
        if (!gracefulStop.training()) {
            return "STOPPED"; // queued before a stop on a signal began
        }
        try {
            return claimAndTrain();
        } finally {
            gracefulStop.finished();
        }
    }

    private boolean stopping() {
        return stopRequested || gracefulStop.requested();
    }

    private String claimAndTrain() {
        String planId = RunningJob.planId(jobContext, operator);
        RunSpec run = plans.run(planId, runKey);
        ResultsStore store = workspace.store();
        long instance = RunningJob.resultsInstance(jobContext, operator, workspace);
        Claim claim;
        while (true) {
            // Status is read after claiming: only the claim's holder may change it from here on.
            claim = store.claims().claim(instance, runKey, ExecutionHeartbeat.owner(jobContext.getExecutionId()),
                    jobContext.getExecutionId(), workspace.runLeaseSeconds()).orElse(null);
            RunRecord record = store.runs().get(instance, runKey)
                    .orElseThrow(() -> new IllegalStateException("run " + runKey + " was not planned by step 'sample'"));
            switch (record.status()) {
                case TRAINED, EVALUATED, FAILED -> {
                    return "ALREADY " + record.status();
                }
                default -> {
                }
            }
            if (claim != null) {
                break;
            }
            if (stopping()) {
                return "STOPPED";
            }
            sleep(workspace.runLeaseSeconds() * 1000L / 4); // another live process trains it
        }
        try {
            return train(plans.settings(planId), run, store, claim);
        } catch (ClaimLostException e) {
            return "LOST CLAIM";
        } finally {
            progress.ended(instance, runKey); // no longer in flight, however it ended
        }
    }

    /**
     * Trains the run; a checkpoint that fails its checksum or cannot be restored is discarded (the
     * run's message says so) and the run trains again from the start: damaged state never fails a run.
     */
    private String train(PlanSettings settings, RunSpec run, ResultsStore store, Claim claim) {
        try {
            return trainOnce(settings, run, store, claim);
        } catch (DamagedCheckpointException e) {
            store.runs().discardCheckpoint(claim, e.getMessage() + "; discarded, trained again from minibatch 0");
            return trainOnce(settings, run, store, claim);
        }
    }

    private String trainOnce(PlanSettings settings, RunSpec run, ResultsStore store, Claim claim) {
        long instance = claim.instanceId();
        int[] subset = store.subsets().get(instance, run.config().subset().toString(), run.config().seed())
                .orElseThrow(() -> new IllegalStateException("no recorded subset for run " + runKey));
        store.runs().markTraining(instance, runKey, jobContext.getExecutionId());
        // points since the last checkpoint: stored with the next checkpoint, the end or the failure
        CurveRecorder curve = new CurveRecorder(settings.curveEvery());
        workspace.engine().useOnCurrentThread();
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun training = new TrainingRun(run.config(), subset, workspace.mnist(), workspace.penalty(run.config()),
                        manager)) {
            var checkpoint = store.runs().checkpoint(instance, runKey);
            if (checkpoint.isPresent()) {
                try {
                    training.restore(checkpoint.get());
                } catch (TrainingException e) {
                    throw new DamagedCheckpointException(e.getMessage(), e);
                }
                store.runs().markResumed(instance, runKey, training.minibatchesDone());
            }
            // the labels JobWatcher gives the job's meters: a shard's experiment is its experiment id
            Optional<Sharding> sharding = Sharding.from(operator.getParameters(jobContext.getExecutionId()));
            TrainingListener metrics = meters.forRun(new JobLabels(jobContext.getJobName(), jobContext.getExecutionId(),
                    sharding.map(Sharding::experimentId).orElse(settings.experiment()),
                    sharding.map(sh -> sh.shard().toString()).orElse("0/1")), run.id());
            long start = System.nanoTime();
            boolean finished = TrainingLoop.fit(training, this::stopping,
                    p -> progress.update(instance, runKey, p), metrics,
                    new CheckpointsAndLease(store, claim, settings.checkpointEvery(), curve));
            if (!finished) {
                // stopped (SIGTERM, Ctrl-C, 'stop'): keep every minibatch done, free the run for a restart
                store.runs().saveCheckpoint(claim, training.minibatchesDone(), training.checkpoint(), curve.drain());
                store.claims().release(claim);
                return "STOPPED";
            }
            byte[] trained = training.checkpoint();
            store.runs().markTrained(claim, training.minibatchesDone(), trained, training.lastLoss(),
                    training.lastPenalty(), (System.nanoTime() - start) / 1e9,
                    BuildInfo.current().describe() + " with " + workspace.engine().numerics(),
                    curve.drain());
            if (settings.sweep() != null) {
                return validateNow(store, instance, run, settings, trained) ? "VALIDATED" : "TRAINED";
            }
            return evaluateNow(store, instance, run, trained, settings) ? "EVALUATED" : "TRAINED";
        } catch (TrainingException | RegularizerException e) {
            if (MemoryExhaustion.in(e)) {
                // not a result: with more memory the run trains; it stays unfinished for the next process
                MemoryExhaustion.record(e);
                throw e;
            }
            store.runs().markFailed(claim, e.getMessage(), curve.drain());
            return "FAILED";
        }
    }

    /**
     * Evaluates a run as soon as it is trained, from the parameters just recorded, as the evaluate
     * step would: they then leave the store at once ({@code markEvaluated} deletes them), so the
     * store holds the parameters of the runs in flight only, not of every run trained before the
     * evaluate step. Evaluation that fails leaves the run TRAINED for the evaluate step, which
     * also takes the runs of a process that died in between.
     */
    private boolean evaluateNow(ResultsStore store, long instance, RunSpec run, byte[] trained, PlanSettings settings) {
        Evaluation test;
        try {
            test = Evaluator.ofCheckpoint(run.config(), trained, workspace.mnist(), settings.robustnessSpec());
        } catch (TrainingException e) {
            return false;
        }
        store.runs().markEvaluated(instance, runKey, test.accuracy(), test.loss(), test.measures());
        return true;
    }

    /**
     * A sweep's run is scored on its validation images at once and keeps its parameters for the
     * evaluate step, which reads the test images only after the select step. A failure leaves it
     * to the validate step.
     */
    private boolean validateNow(ResultsStore store, long instance, RunSpec run, PlanSettings settings, byte[] trained) {
        try {
            HeldOut.validate(workspace.mnist(), store, instance, run, settings.sweep(), trained);
            return true;
        } catch (TrainingException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a run held by another process", e);
        }
    }

    @Override
    public void stop() {
        stopRequested = true;
    }
}
