package io.gradreg.batch;

import io.gradreg.store.DamagedCheckpointException;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.gradreg.training.Evaluation;
import io.gradreg.training.Evaluator;
import io.gradreg.training.TrainingException;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import io.quarkus.arc.Unremovable;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Step "evaluate": test accuracy on the 10,000 test images of every trained, not yet evaluated run
 * (of a shard: of its share), and the robustness measures the plan asks for (job property
 * {@code robustness}), stored with it in one transaction.
 */
@Named
@Unremovable
@Dependent
public class EvaluateBatchlet extends AbstractBatchlet {

    @Inject
    JobContext jobContext;

    @Inject
    JobOperator operator;

    @Inject
    Workspace workspace;

    @Inject
    PlanStore plans;

    @Override
    public String process() {
        Plan plan = plans.load(RunningJob.planId(jobContext, operator));
        ResultsStore store = workspace.store();
        long instance = RunningJob.resultsInstance(jobContext, operator, workspace);
        Set<String> share = plan.share(RunningJob.sharding(jobContext, operator).orElse(null)).stream().map(RunSpec::key)
                .collect(Collectors.toSet());
        Map<String, RunSpec> runs = plan.byKey();
        int evaluated = 0;
        int damaged = 0;
        workspace.engine().useOnCurrentThread();
        for (RunRecord record : store.runs().of(instance)) {
            if (record.status() != RunStatus.TRAINED || !share.contains(record.runKey())) {
                continue;
            }
            RunSpec run = runs.get(record.runKey());
            Evaluation test;
            try {
                byte[] state = store.runs().trainedParameters(instance, record.runKey()).orElse(null);
                if (state == null) {
                    continue; // a duplicate of this shard evaluated it since the list was read
                }
                test = Evaluator.ofCheckpoint(run.config(), state, workspace.mnist(), plan.settings().robustnessSpec());
            } catch (DamagedCheckpointException | TrainingException e) {
                // Damaged state never fails a job for good: the run trains again ('gradreg restart').
                store.runs().retrainDamaged(instance, record.runKey(), "the trained parameters could not be "
                        + "evaluated (" + e.getMessage() + "); discarded: the run trains again from minibatch 0 on "
                        + "'gradreg restart " + jobContext.getExecutionId() + "'");
                damaged++;
                continue;
            }
            store.runs().markEvaluated(instance, record.runKey(), test.accuracy(), test.loss(), test.measures());
            evaluated++;
        }
        return "EVALUATED " + evaluated + (damaged > 0 ? ", " + damaged + " DAMAGED, TO TRAIN AGAIN" : "");
    }
}
