package io.gradreg.batch;

import io.gradreg.plan.Plan;
import io.gradreg.plan.RunSpec;
import io.gradreg.store.DamagedCheckpointException;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.gradreg.store.Validations;
import io.gradreg.training.Evaluation;
import io.gradreg.training.Evaluator;
import io.gradreg.training.TrainingException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Named;
import io.quarkus.arc.Unremovable;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Step "evaluate": test accuracy on the 10,000 test images of every trained, not yet evaluated run
 * (of a shard: of its share), and the robustness measures the plan asks for (job property
 * {@code robustness}), stored with it in one transaction. In a weight sweep, a grid's runs only
 * once the select step has recorded the group's selection.
 */
@Named
@Unremovable
@Dependent
public class EvaluateBatchlet extends PlanStep {

    @Override
    public String process() {
        Plan plan = plan();
        ResultsStore store = workspace.store();
        long instance = resultsInstance();
        Set<String> share = share(plan);
        Map<String, RunSpec> runs = plan.byKey();
        // a sweep's grid is read on the test images only once its group's selection is recorded
        Set<String> selected = plan.settings().sweep() == null ? null : store.validations().selections(instance).stream()
                .map(Validations.Selection::group).collect(Collectors.toSet());
        int evaluated = 0;
        int damaged = 0;
        workspace.engine().useOnCurrentThread();
        for (RunRecord record : store.runs().of(instance)) {
            if (record.status() != RunStatus.TRAINED || !share.contains(record.runKey())) {
                continue;
            }
            RunSpec run = runs.get(record.runKey());
            io.gradreg.store.Cell cell = record.cell();
            if (selected != null && cell.gridWeight().isPresent() && !selected.contains(cell.group().toString())) {
                continue;
            }
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
