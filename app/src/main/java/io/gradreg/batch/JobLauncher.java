package io.gradreg.batch;

import io.gradreg.metrics.MetricsSettings;
import io.quarkiverse.jberet.runtime.QuarkusJobOperator;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Properties;
import org.jberet.repository.ApplicationAndJobName;
import org.jberet.repository.JobRepository;
import org.jberet.runtime.JobExecutionImpl;
import org.jberet.runtime.JobInstanceImpl;

/**
 * Starts and restarts jobs from job XML files. Everything that can be checked is checked before
 * the job starts: the XML, the experiment grid, the data files and the database.
 */
@ApplicationScoped
public class JobLauncher {

    @Inject
    QuarkusJobOperator operator;

    @Inject
    Services services;

    @Inject
    MetricsSettings metrics;

    public JobFiles jobFiles() {
        return new JobFiles(services.jobsDir());
    }

    /** Validates everything, then starts the job; returns its execution id. */
    public Started start(String nameOrPath, Properties parameters) {
        metrics.check();
        JobFiles.LoadedJob job = jobFiles().load(nameOrPath);
        ExperimentSpec spec = ExperimentSpec.parse(job.properties(), parameters, services.regularizers());
        services.mnist();
        services.database().check();
        services.store();
        long execution = operator.start(job.job(), parameters);
        long instance = operator.getJobInstance(execution).getInstanceId();
        services.store().recordJob(instance, job.name(), job.source(), job.xml(), parameters);
        return new Started(execution, instance, spec);
    }

    /**
     * Restarts the most recent execution of a job instance. An execution still marked as running
     * belongs to a process that died (e.g. killed): it is marked failed first.
     */
    public Started restart(long executionId) {
        metrics.check();
        services.database().check();
        JobExecution execution;
        try {
            execution = operator.getJobExecution(executionId);
        } catch (NoSuchJobExecutionException e) {
            throw new IllegalArgumentException("no job execution " + executionId + "; see 'gradreg status'");
        }
        JobInstanceImpl instance = (JobInstanceImpl) operator.getJobInstance(executionId);
        var source = services.store().job(instance.getInstanceId()).orElseThrow(() -> new IllegalArgumentException(
                "job execution " + executionId + " was not started by gradreg run; cannot restart it"));
        JobFiles.LoadedJob job = JobFiles.parse(source.xml(), source.source());
        ExperimentSpec spec = ExperimentSpec.parse(job.properties(), source.parameters(), services.regularizers());
        services.mnist();
        JobRepository repository = operator.getBatchEnvironment().getJobRepository();
        repository.addJob(new ApplicationAndJobName(instance.getApplicationName(), instance.getJobName()), job.job());
        BatchStatus status = execution.getBatchStatus();
        if (status == BatchStatus.COMPLETED) {
            throw new IllegalArgumentException("job execution " + executionId + " completed; nothing to restart");
        }
        if (status == BatchStatus.STARTING || status == BatchStatus.STARTED || status == BatchStatus.STOPPING) {
            JobExecutionImpl stale = (JobExecutionImpl) repository.getJobExecution(executionId);
            stale.setBatchStatus(BatchStatus.FAILED);
            stale.setExitStatus("FAILED: its process ended without finishing it");
            repository.updateJobExecution(stale, false, false);
        }
        long restarted = operator.restart(executionId, new Properties());
        return new Started(restarted, instance.getInstanceId(), spec);
    }

    public JobRepository repository() {
        return operator.getBatchEnvironment().getJobRepository();
    }

    public JobOperator operator() {
        return operator;
    }

    /** A started execution and the experiment it runs. */
    public record Started(long executionId, long instanceId, ExperimentSpec spec) {
    }
}
