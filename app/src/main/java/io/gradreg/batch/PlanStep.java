package io.gradreg.batch;

import io.gradreg.plan.Plan;
import io.gradreg.plan.RunSpec;
import io.gradreg.store.DamagedCheckpointException;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.gradreg.training.TrainingException;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.context.JobContext;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A step that works on the job's stored plan (sample, validate, select, evaluate): the job's
 * context, the workspace and the plan store, with the plan, the results instance and this job's
 * share of the runs.
 */
abstract class PlanStep extends AbstractBatchlet {

    @Inject
    JobContext jobContext;

    @Inject
    JobOperator operator;

    @Inject
    Workspace workspace;

    @Inject
    PlanStore plans;

    /** The plan this job execution was started with. */
    Plan plan() {
        return plans.load(RunningJob.planId(jobContext, operator));
    }

    /** The job instance whose results this job records (a shard: its experiment's). */
    long resultsInstance() {
        return RunningJob.resultsInstance(jobContext, operator, workspace);
    }

    /** The keys of the runs this job trains: all of the plan's, or a shard's share. */
    Set<String> share(Plan plan) {
        return plan.share(RunningJob.sharding(jobContext, operator).orElse(null)).stream().map(RunSpec::key)
                .collect(Collectors.toSet());
    }

    /** What a step does with one trained run: its record, its plan entry and its stored parameters. */
    @FunctionalInterface
    interface TrainedRunAction {
        void apply(RunRecord record, RunSpec run, byte[] state);
    }

    /**
     * Applies {@code action} to every TRAINED run of this job's share that {@code wanted} accepts,
     * with its stored parameters; returns the step's exit status, {@code "VERB n"}. Parameters that
     * cannot be read or used ({@link DamagedCheckpointException}, {@link TrainingException}) never
     * fail a job for good: they are discarded and the run trains again on 'gradreg restart', and
     * the status says how many.
     *
     * @param verb the exit status's verb, e.g. {@code VALIDATED}
     * @param use what could not be done with damaged parameters, for the run's message, e.g. {@code validated}
     */
    String forEachTrained(Plan plan, Predicate<RunRecord> wanted, String verb, String use, TrainedRunAction action) {
        ResultsStore store = workspace.store();
        long instance = resultsInstance();
        Set<String> share = share(plan);
        Map<String, RunSpec> runs = plan.byKey();
        int done = 0;
        int damaged = 0;
        workspace.engine().useOnCurrentThread();
        for (RunRecord record : store.runs().of(instance)) {
            if (record.status() != RunStatus.TRAINED || !share.contains(record.runKey()) || !wanted.test(record)) {
                continue;
            }
            try {
                byte[] state = store.runs().trainedParameters(instance, record.runKey()).orElse(null);
                if (state == null) {
                    continue; // a duplicate of this shard took it since the list was read
                }
                action.apply(record, runs.get(record.runKey()), state);
                done++;
            } catch (DamagedCheckpointException | TrainingException e) {
                store.runs().retrainDamaged(instance, record.runKey(), "the trained parameters could not be " + use
                        + " (" + e.getMessage() + "); discarded: the run trains again from minibatch 0 on "
                        + "'gradreg restart " + jobContext.getExecutionId() + "'");
                damaged++;
            }
        }
        return verb + " " + done + (damaged > 0 ? ", " + damaged + " DAMAGED, TO TRAIN AGAIN" : "");
    }
}
