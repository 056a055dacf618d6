package io.gradreg.batch;

import io.gradreg.plan.RunSpec;
import jakarta.batch.api.partition.PartitionMapper;
import jakarta.batch.api.partition.PartitionPlan;
import jakarta.batch.api.partition.PartitionPlanImpl;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import io.quarkus.arc.Unremovable;
import java.util.List;
import java.util.Properties;

/**
 * Partitions step "train": one partition per planned run (property {@code run-key}), up to the
 * experiment's {@code partitions} at once; a shard's plan has only its share of the runs. The run keys and the settings come from the stored plan. On restart
 * JBeret keeps this plan and reruns only the partitions that did not complete.
 */
@Named
@Unremovable
@Dependent
public class RunPartitionMapper implements PartitionMapper {

    @Inject
    JobContext jobContext;

    @Inject
    JobOperator operator;

    @Inject
    PlanStore plans;

    @Override
    public PartitionPlan mapPartitions() {
        String planId = RunningJob.planId(jobContext, operator);
        var sharding = RunningJob.sharding(jobContext, operator);
        List<String> runs;
        if (plans.settings(planId).sweep() == null) { // the keys alone: a large plan's configurations stay unparsed
            List<String> all = plans.runKeys(planId);
            runs = sharding.map(s -> s.shard().share(all)).orElse(all);
        } else { // a sweep's shard takes whole groups
            runs = plans.load(planId).share(sharding.orElse(null)).stream().map(RunSpec::key).toList();
        }
        Properties[] partitions = new Properties[runs.size()];
        for (int i = 0; i < partitions.length; i++) {
            partitions[i] = new Properties();
            partitions[i].setProperty("run-key", runs.get(i));
        }
        PartitionPlanImpl plan = new PartitionPlanImpl();
        plan.setPartitions(partitions.length);
        plan.setThreads(Math.max(1, Math.min(plans.settings(planId).partitions(), partitions.length)));
        plan.setPartitionProperties(partitions);
        return plan;
    }
}
