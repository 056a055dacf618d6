package io.gradreg.batch;

import io.gradreg.metrics.MetricsSettings;
import io.gradreg.plan.ExperimentSpec;
import io.gradreg.plan.JobProperties;
import io.gradreg.plan.Plan;
import io.gradreg.plan.RunSpec;
import io.gradreg.plan.Shard;
import io.gradreg.plan.Sharding;
import io.gradreg.plan.SweepGroups;
import io.quarkiverse.jberet.runtime.QuarkusJobOperator;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.Experiments;
import io.gradreg.store.JobSources;
import io.gradreg.store.RunRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
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

    /**
     * Job parameter: the id under which what a job is started with is recorded before it starts
     * (its job instance's id is known only after), so that a process killed in between leaves a
     * restartable job.
     */
    static final String LAUNCH = "gradreg.launch";

    @Inject
    QuarkusJobOperator operator;

    @Inject
    Workspace workspace;

    @Inject
    MetricsSettings metrics;

    @Inject
    PlanStore plans;

    @Inject
    GracefulStop gracefulStop;

    @Inject
    ExperimentIds experimentIds;

    public JobFiles jobFiles() {
        return new JobFiles(workspace.jobsDir());
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
        Prepared p = prepare(nameOrPath, parameters, shard, experimentId);
        ResultsStore store = workspace.store();
        Properties jobParameters = new Properties();
        jobParameters.putAll(parameters);
        if (p.sharding() != null) {
            p.sharding().addTo(jobParameters);
        }
        Plan plan = plans.save(p.spec());
        jobParameters.setProperty(RunningJob.PLAN, plan.id());
        long execution = launch(p.job().job(), p.job().name(), p.job().source(), p.job().xml(), jobParameters,
                plan.id());
        long instance = operator.getJobInstance(execution).getInstanceId();
        long results = p.sharding() == null ? instance
                : store.experiments().join(p.sharding().experimentId(), p.sharding().fingerprint(), p.job().name(),
                        instance, shard.index(), shard.count()).resultsInstance();
        return alive(new Started(execution, results, plan, p.sharding(), p.spec().warnings(),
                ExecutionHeartbeat.start(store.claims(), results, execution, workspace.runLeaseSeconds())));
    }

    /** A job checked and planned, ready to start: what {@code gradreg run --dry-run} shows. */
    public record Prepared(JobFiles.LoadedJob job, ExperimentSpec spec, Sharding sharding, List<RunSpec> share) {
    }

    /**
     * Everything {@link #start} checks before it starts anything (the job file and its reference
     * files, the parameters, the plan, the data, the database and a shard's experiment), and the
     * runs this process would train; nothing is written.
     */
    public Prepared prepare(String nameOrPath, Properties parameters, Shard shard, String experimentId) {
        for (String key : parameters.stringPropertyNames()) {
            if (key.startsWith(JobProperties.RESERVED)) {
                throw new IllegalArgumentException("job parameter '" + key + "' is reserved: gradreg sets the "
                        + JobProperties.RESERVED + "* parameters itself (use --shard and --experiment-id)");
            }
        }
        JobFiles.LoadedJob job = jobFiles().load(nameOrPath);
        ExperimentSpec spec = plans.parse(job.properties(), parameters);
        ReferenceFiles.read(job.source(), spec.settings()); // a malformed one is bad input now, not after training
        JobShape.checkPlan(job.job(), spec.settings().sweep() != null, job.source());
        if (shard == null && experimentId != null) {
            throw new IllegalArgumentException("--experiment-id names an experiment run as shards; give --shard INDEX/COUNT "
                    + "too (or run in a Kubernetes Indexed Job with GRADREG_SHARDS set)");
        }
        if (shard != null && shard.count() > spec.runs().size()) {
            throw new IllegalArgumentException("--shard " + shard + ": the experiment plans " + spec.runs().size()
                    + " runs, so at most " + spec.runs().size() + " shards have work");
        }
        int groups = SweepGroups.of(spec.runs()).size();
        if (shard != null && spec.settings().sweep() != null && shard.count() > groups) {
            throw new IllegalArgumentException("--shard " + shard + ": a weight sweep is sharded by whole grids, and this "
                    + "one has " + groups + " (architecture x regularizer x size), so at most " + groups + " shards have work");
        }
        workspace.mnist();
        workspace.database().check();
        Sharding sharding = null;
        if (shard != null) {
            String fingerprint = Sharding.fingerprint(job.xml(), parameters);
            sharding = Sharding.of(shard, experimentId != null && !experimentId.isBlank() ? experimentId
                    : experimentIds.forNew(spec.experiment(), fingerprint), job.xml(), parameters);
            workspace.store().experiments().get(sharding.experimentId())
                    .ifPresent(e -> Experiments.checkCompatible(e, fingerprint));
        }
        return new Prepared(job, spec, sharding, shard == null ? spec.runs() : Plan.share(spec.settings(), spec.runs(), shard));
    }

    /**
     * Restarts the most recent execution of a job instance. An execution still marked as running
     * belongs to a process that died (e.g. killed): it is marked failed first.
     */
    public Started restart(long executionId) {
        metrics.check();
        workspace.database().check();
        JobExecution execution;
        try {
            execution = operator.getJobExecution(executionId);
        } catch (NoSuchJobExecutionException e) {
            throw new IllegalArgumentException("no job execution " + executionId + "; see 'gradreg status'");
        }
        JobInstanceImpl instance = (JobInstanceImpl) operator.getJobInstance(executionId);
        var source = workspace.store().jobs().get(instance.getInstanceId()).or(() -> adoptLaunch(executionId, instance))
                .orElseThrow(() -> new IllegalArgumentException("job execution " + executionId
                        + " was not started by gradreg run; cannot restart it"));
        JobFiles.LoadedJob job = JobFiles.parse(source.xml(), source.source());
        Plan plan = plans.ofJob(source);
        // the regularizers it trains are still installed (a plugin may have been removed since)
        plan.runs().stream().map(r -> r.config().regularizer()).distinct().forEach(workspace.regularizers()::get);
        workspace.mnist();
        Sharding sharding = Sharding.from(source.parameters()).orElse(null);
        long results = workspace.store().experiments().resultsInstance(instance.getInstanceId());
        JobRepository repository = operator.getBatchEnvironment().getJobRepository();
        repository.addJob(new ApplicationAndJobName(instance.getApplicationName(), instance.getJobName()), job.job());
        BatchStatus status = execution.getBatchStatus();
        if (status == BatchStatus.COMPLETED) {
            return continueCompleted(executionId, source, job, plan, sharding, results);
        }
        refuseIfAlive(results, executionId);
        if (status == BatchStatus.STARTING || status == BatchStatus.STARTED || status == BatchStatus.STOPPING) {
            JobExecutionImpl stale = (JobExecutionImpl) repository.getJobExecution(executionId);
            stale.setBatchStatus(BatchStatus.FAILED);
            stale.setExitStatus("FAILED: its process ended without finishing it");
            repository.updateJobExecution(stale, false, false);
        }
        // its process is gone (a restart killed before this line left the claims behind): no lease to wait for
        workspace.store().claims().release(results, executionId);
        Properties restartParameters = new Properties();
        restartParameters.setProperty(RunningJob.PLAN, plan.id()); // jobs started before plans were stored have none
        long[] started = {-1};
        gracefulStop.install(() -> stopQuietly(started[0]));
        gracefulStop.onStop(() -> awaitEnd(started[0]));
        long restarted = operator.restart(executionId, restartParameters);
        started[0] = restarted;
        return alive(new Started(restarted, results, plan, sharding, List.of(),
                ExecutionHeartbeat.start(workspace.store().claims(), results, restarted, workspace.runLeaseSeconds())));
    }

    /**
     * An execution JBeret records as COMPLETED can still own unfinished runs (an older build let a
     * second process into a live execution, which left runs trained and never evaluated). JBeret
     * restarts no completed execution, so a new job instance of the same job, plan and parameters
     * continues it as a shard of the same experiment (a job run unsharded becomes shard 0/1 of the
     * experiment its parameters derive), recording its runs under the same results instance: the
     * runs already finished are skipped, as on any restart. With nothing unfinished there is
     * nothing to restart.
     */
    private Started continueCompleted(long executionId, JobSources.JobSource source, JobFiles.LoadedJob job, Plan plan,
            Sharding sharding, long results) {
        ResultsStore store = workspace.store();
        Map<String, RunRecord> records = store.runs().of(results).stream()
                .collect(Collectors.toMap(RunRecord::runKey, r -> r));
        List<String> unfinished = plan.share(sharding).stream().map(RunSpec::key).filter(key -> {
            RunRecord r = records.get(key);
            return r == null || !r.status().finished();
        }).toList();
        if (unfinished.isEmpty()) {
            throw new IllegalArgumentException("job execution " + executionId + " completed with every run of it "
                    + "finished; nothing to restart (see 'gradreg report " + executionId + "')");
        }
        Properties parameters = new Properties();
        parameters.putAll(source.parameters());
        parameters.setProperty(RunningJob.PLAN, plan.id());
        Sharding continuing = sharding;
        if (continuing == null) {
            Properties own = new Properties();
            source.parameters().stringPropertyNames().stream().filter(k -> !k.startsWith(JobProperties.RESERVED))
                    .forEach(k -> own.setProperty(k, source.parameters().getProperty(k)));
            continuing = Sharding.of(new Shard(0, 1), experimentIds.of(results).orElseThrow(), source.xml(), own);
            store.experiments().join(continuing.experimentId(), continuing.fingerprint(), source.jobName(), results, 0, 1);
            continuing.addTo(parameters);
        }
        long execution = launch(job.job(), source.jobName(), source.source(), source.xml(), parameters, plan.id());
        long instance = operator.getJobInstance(execution).getInstanceId();
        long joined = store.experiments().join(continuing.experimentId(), continuing.fingerprint(), source.jobName(),
                instance, continuing.shard().index(), continuing.shard().count()).resultsInstance();
        List<String> note = List.of("job execution " + executionId + " completed with " + unfinished.size() + " of its "
                + "runs unfinished (" + String.join(", ", unfinished.subList(0, Math.min(3, unfinished.size())))
                + (unfinished.size() > 3 ? ", ..." : "") + "); job instance " + instance + " continues it");
        return alive(new Started(execution, joined, plan, continuing, note,
                ExecutionHeartbeat.start(store.claims(), joined, execution, workspace.runLeaseSeconds())));
    }

    /**
     * Starts a job: records what it starts with under a new launch id (job parameter
     * {@link #LAUNCH}), starts it, and makes that record its job instance's. Returns the execution id.
     */
    private long launch(org.jberet.job.model.Job job, String name, String source, String xml, Properties parameters,
            String planId) {
        String launch = java.util.UUID.randomUUID().toString();
        parameters.setProperty(LAUNCH, launch);
        workspace.store().jobs().recordLaunch(launch, name, source, xml, parameters, planId);
        long[] started = {-1};
        gracefulStop.install(() -> stopQuietly(started[0]));
        gracefulStop.onStop(() -> awaitEnd(started[0]));
        long execution = operator.start(job, parameters);
        started[0] = execution;
        workspace.store().jobs().adopt(operator.getJobInstance(execution).getInstanceId(), launch);
        return execution;
    }

    /** The record of a job whose process was killed before it recorded its instance (see {@link #LAUNCH}). */
    private Optional<JobSources.JobSource> adoptLaunch(long executionId, JobInstanceImpl instance) {
        Properties parameters = operator.getParameters(executionId);
        String launch = parameters == null ? null : parameters.getProperty(LAUNCH);
        if (launch == null || !workspace.store().jobs().adopt(instance.getInstanceId(), launch)) {
            return Optional.empty();
        }
        return workspace.store().jobs().get(instance.getInstanceId());
    }

    /** A stop on a signal ends the execution's heartbeat too (after the partitions saved). */
    private Started alive(Started started) {
        gracefulStop.onStop(started::close);
        return started;
    }

    /**
     * Refuses to restart an execution whose process still trains: a claim it renewed within its
     * lease, unless that process is on this host and gone (a killed process need not be waited for).
     * Restarting a live execution would leave its results stranded (issue: trained, never evaluated).
     */
    private void refuseIfAlive(long resultsInstance, long executionId) {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        for (String owner : workspace.store().claims().liveOwners(resultsInstance, executionId)) {
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
    public record Started(long executionId, long instanceId, Plan plan, Sharding sharding, List<String> warnings,
            AutoCloseable liveness) implements AutoCloseable {

        /** The runs this execution trains. */
        public List<RunSpec> share() {
            return plan.share(sharding);
        }

        /** The execution's process is done with it (its heartbeat stops, so a restart need not wait for it). */
        @Override
        public void close() {
            try {
                liveness.close();
            } catch (Exception e) {
                // the heartbeat's lease lapses on its own
            }
        }
    }
}
