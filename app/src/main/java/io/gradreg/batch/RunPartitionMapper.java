package io.gradreg.batch;

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
 * experiment's {@code partitions} at once; a shard's plan has only its share of the runs. On restart
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
    Services services;

    @Override
    public PartitionPlan mapPartitions() {
        ExperimentSpec spec = JobSupport.spec(jobContext, operator, services);
        List<RunSpec> runs = JobSupport.share(jobContext, operator, spec);
        Properties[] partitions = new Properties[runs.size()];
        for (int i = 0; i < partitions.length; i++) {
            partitions[i] = new Properties();
            partitions[i].setProperty("run-key", runs.get(i).key());
        }
        PartitionPlanImpl plan = new PartitionPlanImpl();
        plan.setPartitions(partitions.length);
        plan.setThreads(Math.min(spec.partitions(), partitions.length));
        plan.setPartitionProperties(partitions);
        return plan;
    }
}
