package io.gradreg.cli;

import io.gradreg.batch.Executions;
import io.gradreg.batch.ExperimentIds;
import io.gradreg.batch.JobLauncher;
import io.gradreg.batch.Workspace;
import io.gradreg.store.Experiments;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.JobInstance;
import jakarta.batch.runtime.StepExecution;
import jakarta.inject.Inject;
import org.jberet.repository.JobRepository;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"List job executions, each with its experiment's id and runs (finished of planned, as the "
            + "store records them now), then the experiments run as shards or imported ('gradreg report --experiment ID').", "With an execution id: its steps and every run of its job instance."})
class StatusCommand implements Callable<Integer> {

    @Parameters(paramLabel = "EXECUTION", arity = "0..1", description = "job execution id")
    Long execution;

    @Inject
    JobLauncher launcher;

    @Inject
    Workspace workspace;

    @Inject
    ExperimentIds experimentIds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        workspace.database().check();
        workspace.store();
        JobOperator operator = launcher.operator();
        PrintWriter out = spec.commandLine().getOut();
        if (execution == null) {
            List<JobExecution> executions = new ArrayList<>();
            JobRepository repository = launcher.repository();
            for (long id : workspace.store().jobs().instances()) {
                JobInstance instance = repository.getJobInstance(id);
                if (instance != null) {
                    executions.addAll(repository.getJobExecutions(instance));
                }
            }
            executions.sort(Comparator.comparingLong(JobExecution::getExecutionId));
            out.printf("%-10s %-10s %-26s %-30s %-10s %-9s %-30s %s%n", "EXECUTION", "INSTANCE", "JOB", "EXPERIMENT",
                    "STATUS", "RUNS", "EXIT STATUS", "STARTED");
            Map<Long, String> progress = new HashMap<>();
            var experimentOf = experimentIds.lookup();
            for (JobExecution e : executions) {
                long instance = operator.getJobInstance(e.getExecutionId()).getInstanceId();
                // the experiment's runs as the store records them now, finished of planned (all shards')
                String runs = progress.computeIfAbsent(instance, i -> {
                    List<RunRecord> of = workspace.store().runs().of(workspace.store().experiments().resultsInstance(i));
                    return of.stream().filter(r -> r.status().finished()).count() + "/" + of.size();
                });
                out.printf("%-10d %-10d %-26s %-30s %-10s %-9s %-30s %s%n", e.getExecutionId(), instance, e.getJobName(),
                        experimentOf.apply(instance).orElse("-"), e.getBatchStatus(), runs, e.getExitStatus(),
                        e.getStartTime());
            }
            List<Experiments.Experiment> experiments = workspace.store().experiments().all();
            if (!experiments.isEmpty()) {
                out.printf("%n%-40s %-10s %-26s %s%n", "EXPERIMENT", "INSTANCE", "JOB", "RUNS FINISHED");
                for (Experiments.Experiment x : experiments) {
                    List<RunRecord> runs = workspace.store().runs().of(x.resultsInstance());
                    out.printf("%-40s %-10d %-26s %d/%d%n", x.id(), x.resultsInstance(), x.jobName(),
                            runs.stream().filter(r -> r.status().finished()).count(), runs.size());
                }
            }
            out.flush();
            return 0;
        }
        JobExecution e;
        try {
            e = operator.getJobExecution(execution);
        } catch (NoSuchJobExecutionException ex) {
            throw new IllegalArgumentException("no job execution " + execution + "; run 'gradreg status' to list them");
        }
        long instance = operator.getJobInstance(execution).getInstanceId();
        long results = workspace.store().experiments().resultsInstance(instance); // a shard: all shards' runs
        boolean gone = Set.of(BatchStatus.STARTING, BatchStatus.STARTED, BatchStatus.STOPPING).contains(e.getBatchStatus())
                && workspace.store().claims().liveOwners(results, execution).stream().noneMatch(Executions::processAlive);
        out.printf("execution %d of job %s (instance %d): %s, exit status %s%s%n", execution, e.getJobName(), instance,
                e.getBatchStatus(), e.getExitStatus(), gone ? " (its process is gone: 'gradreg restart " + execution
                        + "' continues it)" : "");
        for (StepExecution s : operator.getStepExecutions(execution)) {
            out.printf("  step %-10s %-10s %s%n", s.getStepName(), s.getBatchStatus(), s.getExitStatus());
        }
        out.printf("%-45s %-10s %-8s %-12s %s%n", "RUN", "STATUS", "SEED", "MINIBATCHES", "TEST ACCURACY");
        Set<String> training = new java.util.TreeSet<>();
        workspace.store().claims().liveRunClaims(results).forEach((run, owner) -> {
            if (Executions.processAlive(owner)) {
                training.add(run);
            }
        });
        for (RunRecord r : workspace.store().runs().of(results)) {
            out.printf("%-45s %-10s %-8d %-12s %s%n", r.runKey(), shownStatus(r, training), r.seed(),
                    r.minibatchesDone() + "/" + r.minibatches(),
                    r.testAccuracy() == null ? (r.message() == null ? "" : r.message())
                            : String.format("%.2f%%", 100 * r.testAccuracy()));
        }
        out.flush();
        return 0;
    }

    /**
     * A run's status as it is now: one the store marks TRAINING that no process trains any more
     * (no live claim on it, {@code training}: it was stopped, or its process died: its lease expired
     * or it was a process of this host that is gone) is STOPPED, at
     * the minibatch of its last checkpoint, where a restart resumes it.
     */
    static String shownStatus(RunRecord run, Set<String> training) {
        return run.status() == RunStatus.TRAINING && !training.contains(run.runKey()) ? "STOPPED" : run.status().name();
    }
}
