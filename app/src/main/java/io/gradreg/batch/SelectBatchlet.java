package io.gradreg.batch;

import io.gradreg.plan.Plan;
import io.gradreg.plan.RunSpec;
import io.gradreg.plan.SweepGroups;
import io.gradreg.plan.SweepSettings;
import io.gradreg.plan.WeightSelection;
import io.gradreg.store.Cell;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.gradreg.store.Validations;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Named;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Step "select" of a weight sweep: for each group of this job's share (an architecture,
 * regularizer and size, with its grid of weights) whose runs are all finished, the weight the
 * job's rule ({@code select}) picks from the validation accuracies, recorded with the time. A
 * selection, once recorded, never changes (a restart or a duplicated shard records nothing new);
 * nothing has read a test image of the group before, and the evaluate step reads them only for
 * groups with a recorded selection.
 */
@Named
@Unremovable
@Dependent
public class SelectBatchlet extends PlanStep {

    @Override
    public String process() {
        Plan plan = plan();
        SweepSettings sweep = plan.settings().sweep();
        ResultsStore store = workspace.store();
        long instance = resultsInstance();
        Map<String, Double> validation = store.validations().of(instance).stream()
                .collect(Collectors.toMap(Validations.Validation::runKey, Validations.Validation::accuracy));
        Set<String> failed = store.runs().of(instance).stream().filter(r -> r.status() == RunStatus.FAILED)
                .map(RunRecord::runKey).collect(Collectors.toSet());
        int selected = 0;
        int waiting = 0;
        for (Map.Entry<Cell, List<RunSpec>> group : SweepGroups.of(plan.share(RunningJob.sharding(jobContext, operator)
                .orElse(null))).entrySet()) {
            if (group.getKey().equals(group.getValue().get(0).id().cell())) {
                continue; // no grid (none): nothing to select
            }
            if (!SweepGroups.complete(group.getValue(), validation, failed)) {
                waiting++;
                continue;
            }
            Optional<WeightSelection.Selected> choice = SweepGroups.select(group.getValue(), validation,
                    sweep.selectionRule());
            if (choice.isPresent()) {
                store.validations().select(instance, new Validations.Selection(group.getKey().toString(),
                        sweep.rule(), choice.get().weight(), choice.get().describe(), null));
                selected++;
            }
        }
        return "SELECTED " + selected + (waiting > 0 ? ", " + waiting + " GROUPS NOT FINISHED" : "");
    }
}
