package io.gradreg.cli;

import io.gradreg.batch.Executions;
import io.gradreg.batch.JobLauncher;
import io.gradreg.batch.Workspace;
import io.gradreg.plan.Shard;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a job: sample, train (partitioned over configurations and runs), evaluate, report.",
            "Example: gradreg run c6-jacobian-norms -p runs=3 -p partitions=2"})
class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "JOB", description = "a job name in the jobs directory (see 'gradreg jobs') or a path to a job XML file")
    String job;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE",
            description = "job parameter overriding the job's property of that name (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--shard", paramLabel = "INDEX/COUNT",
            description = {"run only this shard's share of the runs: those whose position in the plan is INDEX modulo "
                + "COUNT (INDEX from 0). Shards may run anywhere at once on one shared database; together they record "
                + "every run once. Default in a Kubernetes Indexed Job: JOB_COMPLETION_INDEX/GRADREG_SHARDS from the "
                + "environment"})
    String shard;

    @Option(names = "--experiment-id", paramLabel = "ID", defaultValue = "${env:GRADREG_EXPERIMENT_ID}",
            description = {"the experiment the shards share (default: GRADREG_EXPERIMENT_ID, else derived from the job "
                + "file and parameters, so shards started alike agree)"})
    String experimentId;

    @Option(names = "--dry-run", description = {"check everything a run checks (job file, parameters, reference "
        + "files, data, database, a shard's experiment) and print the plan: the cells, their weights and the runs this "
        + "process would train; start nothing"})
    boolean dryRun;

    @Inject
    JobLauncher launcher;

    @Inject
    JobWatcher watcher;

    @Inject
    Workspace workspace;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        watcher.failedRunsPolicy(); // a bad setting fails now (exit 2), not after training
        Properties parameters = new Properties();
        params.forEach(parameters::setProperty);
        Shard sharding = shard != null ? Shard.parse(shard) : Shard.fromEnvironment(System.getenv()).orElse(null);
        if (dryRun) {
            JobLauncher.Prepared prepared = launcher.prepare(job, parameters, sharding, experimentId);
            prepared.spec().warnings().forEach(w -> spec.commandLine().getErr().println("gradreg: warning: " + w));
            restartHint(sharding, parameters, Long.MAX_VALUE);
            spec.commandLine().getOut().print(DryRun.describe(prepared));
            spec.commandLine().getOut().flush();
            return ExitCode.OK.code();
        }
        JobLauncher.Started started = launcher.start(job, parameters, sharding, experimentId);
        restartHint(sharding, parameters, started.instanceId()); // after the checks: bad input is said first
        started.warnings().forEach(w -> spec.commandLine().getErr().println("gradreg: warning: " + w));
        return watcher.follow(started, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * Says on stderr when the same job file with the same parameters left an execution unfinished,
     * naming the command that continues it; the run starts afresh all the same (scripts rely on it).
     */
    private void restartHint(Shard sharding, Properties parameters, long startedInstance) {
        if (sharding != null) {
            return; // a shard joins its experiment's runs by itself
        }
        Executions.unfinished(launcher.repository(), workspace.store(), launcher.jobFiles().load(job).xml(), parameters,
                startedInstance)
                .ifPresent(e -> spec.commandLine().getErr().println("gradreg: note: job execution " + e.getExecutionId()
                        + " of this job file with these parameters ended unfinished (" + e.getBatchStatus()
                        + (e.getBatchStatus() == jakarta.batch.runtime.BatchStatus.STOPPED
                                || e.getBatchStatus() == jakarta.batch.runtime.BatchStatus.FAILED ? ""
                                : ", its process gone") + "); 'gradreg restart " + e.getExecutionId()
                        + "' continues it and keeps its finished runs; 'gradreg run' starts a new execution from scratch."));
    }
}
