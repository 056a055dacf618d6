package io.gradreg.batch;

import io.gradreg.data.Mnist;
import io.gradreg.plan.Plan;
import io.gradreg.plan.RunSpec;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.RunRecord;
import io.gradreg.training.TrainingConfig;
import io.gradreg.training.TrainingRun;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Named;
import io.quarkus.arc.Unremovable;
import java.util.HashSet;
import java.util.Set;

/**
 * Step "sample": draws each run's training subset and records it, and plans every run of the
 * stored plan in the results table. Idempotent: what is already recorded is kept. Every shard of an
 * experiment plans all its runs, so the report knows the whole plan whichever shards have run.
 */
@Named
@Unremovable
@Dependent
public class SampleBatchlet extends PlanStep {

    @Override
    public String process() {
        Plan plan = plan();
        ResultsStore store = workspace.store();
        Mnist mnist = workspace.mnist();
        long instance = RunningJob.register(jobContext, operator, workspace);
        Set<String> drawn = new HashSet<>();
        int order = 0;
        for (RunSpec run : plan.runs()) {
            TrainingConfig c = run.config();
            if (drawn.add(c.subset() + "@" + c.seed())) {
                store.subsets().record(instance, c.subset().toString(), c.seed(), TrainingRun.drawSubset(c, mnist));
            }
            store.runs().plan(RunRecord.planned(instance, run.id(), plan.experiment(), c.weight(),
                    c.seed(), c.minibatches()), order++);
        }
        return "PLANNED " + plan.runs().size();
    }
}
