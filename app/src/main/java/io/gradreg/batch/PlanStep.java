package io.gradreg.batch;

import io.gradreg.plan.Plan;
import io.gradreg.plan.RunSpec;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.context.JobContext;
import jakarta.inject.Inject;
import java.util.Set;
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
}
