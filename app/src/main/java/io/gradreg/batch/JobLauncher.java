package io.gradreg.batch;

import io.gradreg.metrics.MetricsSettings;
import io.quarkiverse.jberet.runtime.QuarkusJobOperator;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.gradreg.store.ResultsStore;
import java.util.List;
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
        return start(nameOrPath, parameters, null, null);
    }

    /**
     * Validates everything, then starts the job, or with a {@code shard} one shard of the
     * experiment {@code experimentId} (derived from the job and parameters when null): its share
     * of the runs, recorded with every other shard's under one job instance.
     */
    public Started start(String nameOrPath, Properties parameters, Shard shard, String experimentId) {
        metrics.check();
        JobFiles.LoadedJob job = jobFiles().load(nameOrPath);
        ExperimentSpec spec = ExperimentSpec.parse(job.properties(), parameters, services.regularizers());
        if (shard == null && experimentId != null) {
            throw new IllegalArgumentException("--experiment-id names an experiment run as shards; give --shard INDEX/COUNT "
                    + "too (or run in a Kubernetes Indexed Job with GRADREG_SHARDS set)");
        }
        if (shard != null && shard.count() > spec.runs().size()) {
            throw new IllegalArgumentException("--shard " + shard + ": the experiment plans " + spec.runs().size()
                    + " runs, so at most " + spec.runs().size() + " shards have work");
        }
        services.mnist();
        services.database().check();
        ResultsStore store = services.store();
        Properties jobParameters = new Properties();
        jobParameters.putAll(parameters);
        Sharding sharding = null;
        if (shard != null) {
            sharding = Sharding.of(shard, experimentId, job.name(), job.xml(), parameters);
            String fingerprint = sharding.fingerprint();
            store.experiment(sharding.experimentId()).ifPresent(e -> ResultsStore.checkCompatible(e, fingerprint));
            sharding.addTo(jobParameters);
        }
        long execution = operator.start(job.job(), jobParameters);
        long instance = operator.getJobInstance(execution).getInstanceId();
        store.recordJob(instance, job.name(), job.source(), job.xml(), jobParameters);
        long results = sharding == null ? instance
                : store.joinExperiment(sharding.experimentId(), sharding.fingerprint(), job.name(), instance,
                        shard.index(), shard.count()).resultsInstance();
        return new Started(execution, results, spec, sharding);
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
        Sharding sharding = Sharding.from(source.parameters()).orElse(null);
        long results = services.store().resultsInstance(instance.getInstanceId());
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
            services.store().releaseClaims(results, executionId); // its runs need not wait for its leases
        }
        long restarted = operator.restart(executionId, new Properties());
        return new Started(restarted, results, spec, sharding);
    }

    /**
     * A new job instance of {@code job} without an execution: the instance under which imported
     * runs are recorded (gradreg import), numbered by JBeret like every other.
     */
    public long newJobInstance(JobFiles.LoadedJob job) {
        var environment = operator.getBatchEnvironment();
        return repository().createJobInstance(job.job(), environment.getApplicationName(), environment.getClassLoader())
                .getInstanceId();
    }

    public JobRepository repository() {
        return operator.getBatchEnvironment().getJobRepository();
    }

    public JobOperator operator() {
        return operator;
    }

    /**
     * A started execution and the experiment it runs; {@code instanceId} is the job instance its
     * runs are recorded under, for a shard the experiment's; {@code sharding} is null unless a shard.
     */
    public record Started(long executionId, long instanceId, ExperimentSpec spec, Sharding sharding) {

        /** The runs this execution trains. */
        public List<RunSpec> share() {
            return sharding == null ? spec.runs() : sharding.shard().share(spec.runs());
        }
    }
}
