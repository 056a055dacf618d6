package io.gradreg.batch;

import io.gradreg.plan.Plan;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.Validations;
import io.gradreg.training.Evaluation;
import io.gradreg.training.Evaluator;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Named;
import io.quarkus.arc.Unremovable;
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
        // a sweep's grid is read on the test images only once its group's selection is recorded
        Set<String> selected = plan.settings().sweep() == null ? null : store.validations().selections(instance).stream()
                .map(Validations.Selection::group).collect(Collectors.toSet());
        return forEachTrained(plan, r -> selected == null || r.cell().gridWeight().isEmpty()
                || selected.contains(r.cell().group().toString()), "EVALUATED", "evaluated", (record, run, state) -> {
                    Evaluation test = Evaluator.ofCheckpoint(run.config(), state, workspace.mnist(),
                            plan.settings().robustnessSpec());
                    store.runs().markEvaluated(instance, record.runKey(), test.accuracy(), test.loss(), test.measures());
                });
    }
}
