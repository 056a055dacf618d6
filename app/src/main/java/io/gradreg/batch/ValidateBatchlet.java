package io.gradreg.batch;

import io.gradreg.plan.Plan;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.Validations;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Named;
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
        Set<String> validated = store.validations().of(instance).stream().map(Validations.Validation::runKey)
                .collect(Collectors.toSet());
        return forEachTrained(plan, r -> !validated.contains(r.runKey()), "VALIDATED", "validated",
                (record, run, state) -> HeldOut.validate(workspace.mnist(), store, instance, run, plan.settings().sweep(),
                        state));
    }
}
