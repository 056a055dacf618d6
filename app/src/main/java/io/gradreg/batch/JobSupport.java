package io.gradreg.batch;

import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.context.JobContext;
import java.util.Properties;

/** The experiment of the running job: its job-level properties overridden by its parameters. */
final class JobSupport {

    private JobSupport() {
    }

    static ExperimentSpec spec(JobContext job, JobOperator operator, Services services) {
        Properties parameters = operator.getParameters(job.getExecutionId());
        return ExperimentSpec.parse(job.getProperties(), parameters == null ? new Properties() : parameters,
                services.regularizers());
    }
}
