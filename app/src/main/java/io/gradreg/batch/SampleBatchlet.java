package io.gradreg.batch;

import io.gradreg.data.Mnist;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.gradreg.training.TrainingConfig;
import io.gradreg.training.TrainingRun;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import io.quarkus.arc.Unremovable;
import java.util.HashSet;
import java.util.Set;

/**
 * Step "sample": draws each run's training subset and records it, and plans every run of the
 * grid in the results table. Idempotent: what is already recorded is kept. Every shard of an
 * experiment plans all its runs, so the report knows the whole plan whichever shards have run.
 */
@Named
@Unremovable
@Dependent
public class SampleBatchlet extends AbstractBatchlet {

    @Inject
    JobContext jobContext;

    @Inject
    JobOperator operator;

    @Inject
    Services services;

    @Override
    public String process() {
        ExperimentSpec spec = JobSupport.spec(jobContext, operator, services);
        ResultsStore store = services.store();
        Mnist mnist = services.mnist();
        long instance = JobSupport.resultsInstance(jobContext, operator, services);
        Set<String> drawn = new HashSet<>();
        int order = 0;
        for (RunSpec run : spec.runs()) {
            TrainingConfig c = run.config();
            if (drawn.add(c.subset() + "@" + c.seed())) {
                store.recordSubset(instance, c.subset().toString(), c.seed(), TrainingRun.drawSubset(c, mnist));
            }
            store.planRun(new RunRecord(instance, run.key(), spec.experiment(), c.architecture().id(), c.regularizer(),
                    c.weight(), c.subset().toString(), run.runIndex(), c.seed(), c.minibatches(), RunStatus.PLANNED, 0,
                    null, null, null, null, null, null, jobContext.getExecutionId(), null, null), order++);
        }
        return "PLANNED " + spec.runs().size();
    }
}
