package io.gradreg.batch;

import io.gradreg.plan.Sharding;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.context.JobContext;
import java.util.Optional;
import java.util.Properties;

/** What a step needs to know of the running job: its stored plan, and whether it is a shard. */
final class RunningJob {

    /** Job parameter: the id of the job's stored plan ({@link PlanStore}), set at launch. */
    static final String PLAN = "gradreg.plan";

    private RunningJob() {
    }

    /** The id of the job's plan. */
    static String planId(JobContext job, JobOperator operator) {
        String id = parameters(job, operator).getProperty(PLAN);
        if (id == null) {
            throw new IllegalStateException("job execution " + job.getExecutionId() + " has no stored plan (job parameter "
                    + PLAN + "); start jobs with 'gradreg run' and continue them with 'gradreg restart'");
        }
        return id;
    }

    /** The shard this job is, if it runs one shard of an experiment. */
    static Optional<Sharding> sharding(JobContext job, JobOperator operator) {
        return Sharding.from(parameters(job, operator));
    }

    /**
     * For the sample step, the job's first: registers a shard with its experiment (the launcher does
     * the same right after starting the job; whichever comes first registers it, the other finds it)
     * and returns the job instance under which this job records its runs.
     */
    static long register(JobContext job, JobOperator operator, Workspace workspace) {
        return sharding(job, operator).map(s -> workspace.store().experiments().join(s.experimentId(), s.fingerprint(),
                job.getJobName(), job.getInstanceId(), s.shard().index(), s.shard().count()).resultsInstance())
                .orElse(job.getInstanceId());
    }

    /** The job instance under which this job records its runs: its own, or for a shard the experiment's. */
    static long resultsInstance(JobContext job, JobOperator operator, Workspace workspace) {
        if (sharding(job, operator).isEmpty()) {
            return job.getInstanceId();
        }
        return workspace.store().experiments().of(job.getInstanceId()).orElseThrow(() -> new IllegalStateException(
                "shard job instance " + job.getInstanceId() + " is not registered with its experiment"))
                .resultsInstance();
    }

    private static Properties parameters(JobContext job, JobOperator operator) {
        Properties parameters = operator.getParameters(job.getExecutionId());
        return parameters == null ? new Properties() : parameters;
    }
}
