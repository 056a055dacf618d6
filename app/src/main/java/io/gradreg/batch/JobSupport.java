package io.gradreg.batch;

import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.context.JobContext;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** The experiment of the running job: its job-level properties overridden by its parameters. */
final class JobSupport {

    private JobSupport() {
    }

    static ExperimentSpec spec(JobContext job, JobOperator operator, Services services) {
        return ExperimentSpec.parse(job.getProperties(), parameters(job, operator), services.regularizers());
    }

    /** The shard this job is, if it runs one shard of an experiment. */
    static Optional<Sharding> sharding(JobContext job, JobOperator operator) {
        return Sharding.from(parameters(job, operator));
    }

    /** The runs this job trains: all of the experiment's, or a shard's share. */
    static List<RunSpec> share(JobContext job, JobOperator operator, ExperimentSpec spec) {
        return sharding(job, operator).map(s -> s.shard().share(spec.runs())).orElse(spec.runs());
    }

    /**
     * The job instance under which this job records its runs: its own, or for a shard the
     * experiment's (registering the shard if it is the first step to ask).
     */
    static long resultsInstance(JobContext job, JobOperator operator, Services services) {
        return sharding(job, operator).map(s -> services.store().joinExperiment(s.experimentId(), s.fingerprint(),
                job.getJobName(), job.getInstanceId(), s.shard().index(), s.shard().count()).resultsInstance())
                .orElse(job.getInstanceId());
    }

    private static Properties parameters(JobContext job, JobOperator operator) {
        Properties parameters = operator.getParameters(job.getExecutionId());
        return parameters == null ? new Properties() : parameters;
    }
}
