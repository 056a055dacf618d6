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
import io.gradreg.store.Experiments;
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

    @Inject
    PlanStore plans;

    @Inject
    GracefulStop gracefulStop;

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
        for (String key : parameters.stringPropertyNames()) {
            if (key.startsWith(JobProperties.RESERVED)) {
                throw new IllegalArgumentException("job parameter '" + key + "' is reserved: gradreg sets the "
                        + JobProperties.RESERVED + "* parameters itself (use --shard and --experiment-id)");
            }
        }
        JobFiles.LoadedJob job = jobFiles().load(nameOrPath);
        ExperimentSpec spec = plans.parse(job.properties(), parameters);
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
            store.experiments().get(sharding.experimentId()).ifPresent(e -> Experiments.checkCompatible(e, fingerprint));
            sharding.addTo(jobParameters);
        }
        Plan plan = plans.save(spec);
        jobParameters.setProperty(JobSupport.PLAN, plan.id());
        long[] started = {-1};
        gracefulStop.install(() -> stopQuietly(started[0]));
        gracefulStop.onStop(() -> awaitEnd(started[0]));
        long execution = operator.start(job.job(), jobParameters);
        started[0] = execution;
        long instance = operator.getJobInstance(execution).getInstanceId();
        store.jobs().record(instance, job.name(), job.source(), job.xml(), jobParameters, plan.id());
        long results = sharding == null ? instance
                : store.experiments().join(sharding.experimentId(), sharding.fingerprint(), job.name(), instance,
                        shard.index(), shard.count()).resultsInstance();
        return new Started(execution, results, plan, sharding, spec.warnings());
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
        var source = services.store().jobs().get(instance.getInstanceId()).orElseThrow(() -> new IllegalArgumentException(
                "job execution " + executionId + " was not started by gradreg run; cannot restart it"));
        JobFiles.LoadedJob job = JobFiles.parse(source.xml(), source.source());
        Plan plan = plans.ofJob(source);
        // the regularizers it trains are still installed (a plugin may have been removed since)
        plan.runs().stream().map(r -> r.config().regularizer()).distinct().forEach(services.regularizers()::get);
        services.mnist();
        Sharding sharding = Sharding.from(source.parameters()).orElse(null);
        long results = services.store().experiments().resultsInstance(instance.getInstanceId());
        JobRepository repository = operator.getBatchEnvironment().getJobRepository();
        repository.addJob(new ApplicationAndJobName(instance.getApplicationName(), instance.getJobName()), job.job());
        BatchStatus status = execution.getBatchStatus();
        if (status == BatchStatus.COMPLETED) {
            throw new IllegalArgumentException("job execution " + executionId + " completed; nothing to restart");
        }
        if (status == BatchStatus.STARTING || status == BatchStatus.STARTED || status == BatchStatus.STOPPING) {
            refuseIfAlive(results, executionId);
            JobExecutionImpl stale = (JobExecutionImpl) repository.getJobExecution(executionId);
            stale.setBatchStatus(BatchStatus.FAILED);
            stale.setExitStatus("FAILED: its process ended without finishing it");
            repository.updateJobExecution(stale, false, false);
            services.store().claims().release(results, executionId); // its runs need not wait for its leases
        }
        Properties restartParameters = new Properties();
        restartParameters.setProperty(JobSupport.PLAN, plan.id()); // jobs started before plans were stored have none
        long[] started = {-1};
        gracefulStop.install(() -> stopQuietly(started[0]));
        gracefulStop.onStop(() -> awaitEnd(started[0]));
        long restarted = operator.restart(executionId, restartParameters);
        started[0] = restarted;
        return new Started(restarted, results, plan, sharding, List.of());
    }

    /**
     * Refuses to restart an execution whose process still trains: a claim it renewed within its
     * lease, unless that process is on this host and gone (a killed process need not be waited for).
     * Restarting a live execution would leave its results stranded (issue: trained, never evaluated).
     */
    private void refuseIfAlive(long resultsInstance, long executionId) {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        for (String owner : services.store().claims().liveOwners(resultsInstance, executionId)) {
            String[] parts = owner.split("/");
            boolean here = parts.length >= 2 && parts[0].equals(host) && parts[1].startsWith("pid-");
            if (here) {
                long pid = Long.parseLong(parts[1].substring("pid-".length()));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    throw new IllegalArgumentException("job execution " + executionId + " is still running, in process "
                            + pid + " on this host; stop it (Ctrl-C, or kill " + pid + ") before restarting it");
                }
            } else {
                throw new IllegalArgumentException("job execution " + executionId + " is still running, in "
                        + String.join("/", java.util.Arrays.copyOf(parts, Math.min(2, parts.length)))
                        + " (it renewed its claim on a run within the lease, gradreg.run-lease-seconds); stop it, "
                        + "or wait until its lease expires, before restarting it");
            }
        }
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

    /** Asks JBeret to stop an execution (on SIGTERM), so that it ends STOPPED; never throws. */
    private void stopQuietly(long execution) {
        if (execution < 0) {
            return;
        }
        try {
            operator.stop(execution);
        } catch (RuntimeException e) {
            // already ended, or not yet started: the partitions stop on GracefulStop's flag anyway
        }
    }

    /** Waits a few seconds for JBeret to record a stopping execution's end (STOPPED). */
    private void awaitEnd(long execution) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (execution >= 0 && System.nanoTime() < deadline) {
            BatchStatus status = operator.getJobExecution(execution).getBatchStatus();
            if (status == BatchStatus.STOPPED || status == BatchStatus.FAILED || status == BatchStatus.COMPLETED) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** What a stop on a signal does besides saving the partitions (see {@link GracefulStop}). */
    public GracefulStop gracefulStop() {
        return gracefulStop;
    }

    public JobOperator operator() {
        return operator;
    }

    /**
     * A started execution and the plan it runs; {@code warnings}: what the user should change in the job; {@code instanceId} is the job instance its
     * runs are recorded under, for a shard the experiment's; {@code sharding} is null unless a shard.
     */
    public record Started(long executionId, long instanceId, Plan plan, Sharding sharding, List<String> warnings) {

        /** The runs this execution trains. */
        public List<RunSpec> share() {
            return plan.share(sharding);
        }
    }
}
