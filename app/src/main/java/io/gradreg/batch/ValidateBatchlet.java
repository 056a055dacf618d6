package io.gradreg.batch;

import io.gradreg.plan.Plan;
import io.gradreg.plan.RunSpec;
import io.gradreg.store.DamagedCheckpointException;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.gradreg.store.Validations;
import io.gradreg.training.TrainingException;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Named;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Step "validate" of a weight sweep: the validation accuracy of every trained run of this job's
 * share that has none yet (the train step scores runs as they finish; this takes those of a
 * process that died in between, or whose scoring failed).
 */
@Named
@Unremovable
@Dependent
public class ValidateBatchlet extends PlanStep {

    @Override
    public String process() {
        Plan plan = plan();
        ResultsStore store = workspace.store();
        long instance = resultsInstance();
        Set<String> share = share(plan);
        Set<String> validated = store.validations().of(instance).stream().map(Validations.Validation::runKey)
                .collect(Collectors.toSet());
        Map<String, RunSpec> runs = plan.byKey();
        int scored = 0;
        int damaged = 0;
        workspace.engine().useOnCurrentThread();
        for (RunRecord record : store.runs().of(instance)) {
            if (record.status() != RunStatus.TRAINED || !share.contains(record.runKey())
                    || validated.contains(record.runKey())) {
                continue;
            }
            try {
                byte[] state = store.runs().trainedParameters(instance, record.runKey()).orElse(null);
                if (state == null) {
                    continue;
                }
                HeldOut.validate(workspace.mnist(), store, instance, runs.get(record.runKey()), plan.settings().sweep(),
                        state);
                scored++;
            } catch (DamagedCheckpointException | TrainingException e) {
                store.runs().retrainDamaged(instance, record.runKey(), "the trained parameters could not be "
                        + "validated (" + e.getMessage() + "); discarded: the run trains again from minibatch 0 on "
                        + "'gradreg restart " + jobContext.getExecutionId() + "'");
                damaged++;
            }
        }
        return "VALIDATED " + scored + (damaged > 0 ? ", " + damaged + " DAMAGED, TO TRAIN AGAIN" : "");
    }
}
