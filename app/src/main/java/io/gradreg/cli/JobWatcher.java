package io.gradreg.cli;

import io.gradreg.batch.GracefulStop;
import io.gradreg.batch.JobLauncher;
import io.gradreg.batch.JobProgress;
import io.gradreg.batch.ReportAssembler;
import io.gradreg.batch.Workspace;
import io.gradreg.plan.RunSpec;
import io.gradreg.metrics.JobLabels;
import io.gradreg.metrics.JobMetrics;
import io.gradreg.metrics.JobProgressMeters;
import io.gradreg.report.Report;
import io.gradreg.report.ReportWriter;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.gradreg.store.StoreException;
import io.gradreg.training.MemoryExhaustion;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.List;

/**
 * Follows a running job until it ends: a progress bar on a terminal (runs done of planned,
 * minibatches, ETA), plain lines in a log or a pipe; then prints the report and returns the exit
 * code.
 */
@ApplicationScoped
class JobWatcher {

    @Inject
    JobLauncher launcher;

    @Inject
    Workspace workspace;

    @Inject
    JobProgress progress;

    @Inject
    ReportAssembler reports;

    @Inject
    JobMetrics metrics;

    /** What a share whose runs all finished, some FAILED, exits with: 'fail' (1) or 'record' (0); see ExitCode.FailedRuns. */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "gradreg.failed-runs", defaultValue = "fail")
    String failedRuns;

    /** Checks the settings the end of a job depends on, before it starts (a typo must not cost a night's training). */
    ExitCode.FailedRuns failedRunsPolicy() {
        return ExitCode.FailedRuns.parse(failedRuns);
    }

    int follow(JobLauncher.Started started, PrintWriter out, PrintWriter err) throws InterruptedException {
        ResultsStore store = workspace.store();
        boolean terminal = System.console() != null;
        long execution = started.executionId();
        long instance = started.instanceId();
        List<RunSpec> planned = started.plan().runs();
        err.printf("job execution %d (instance %d): %s, %d runs%n", execution, instance, started.plan().experiment(),
                planned.size());
        err.flush();
        // a shard's experiment is the id its shards share (in Kubernetes the Job's name), not the job's name for it
        JobLabels labels = new JobLabels(launcher.operator().getJobInstance(execution).getJobName(), execution,
                started.sharding() == null ? started.plan().experiment() : started.sharding().experimentId(),
                started.sharding() == null ? "0/1" : started.sharding().shard().toString());
        // this process's share only: the shards' metrics add up to the experiment's (deploy/prometheus)
        var share = started.share().stream().map(RunSpec::key).collect(java.util.stream.Collectors.toSet());
        GracefulStop stop = launcher.gracefulStop();
        stop.following();
        try (started; JobMetrics.Session session = metrics.open(labels,
                () -> store.runs().of(instance).stream().filter(r -> share.contains(r.runKey())).toList(),
                () -> store.measures().of(instance), r -> progress.done(instance, r.runKey()), err)) {
            stop.onStop(session::pushNow);
            int code = watch(started, session, terminal, out, err);
            return stop.requested() ? stop.exitCode() : code;
        } finally {
            stop.commandEnded(); // a stop on a signal may now exit the process
        }
    }

    /** Prints the progress the job's meters compute (one computation for the terminal and for Prometheus). */
    private int watch(JobLauncher.Started started, JobMetrics.Session session, boolean terminal, PrintWriter out,
            PrintWriter err) throws InterruptedException {
        long execution = started.executionId();
        String lastLine = "";
        long lastPrint = 0;
        int lastLength = 0;
        while (true) {
            JobExecution e = launcher.operator().getJobExecution(execution);
            BatchStatus status = e.getBatchStatus();
            boolean ended = status == BatchStatus.COMPLETED || status == BatchStatus.FAILED
                    || status == BatchStatus.STOPPED || status == BatchStatus.ABANDONED;
            if (ended && launcher.gracefulStop().requested()) {
                // stopped on a signal: print how it ended once the partitions saved and the stop's actions ran
                launcher.gracefulStop().awaitStopped();
            }
            if (ended) {
                session.refresh(); // the final numbers, not those of up to a second ago
            }
            JobProgressMeters.Snapshot p = session.progress();
            int trained = p.count(RunStatus.EVALUATED) + p.count(RunStatus.FAILED) + p.count(RunStatus.TRAINED);
            String eta = Double.isNaN(p.etaSeconds()) || p.done() >= p.planned() ? "-"
                    : ProgressPrinter.format(Math.round(p.etaSeconds()));
            int percent = p.planned() == 0 ? 0 : (int) (100 * p.done() / p.planned());
            String line = String.format("runs %d/%d trained, %d evaluated, %d failed; minibatches %d/%d (%d%%); ETA %s",
                    trained, p.runs() > 0 ? p.runs() : started.plan().runs().size(), p.count(RunStatus.EVALUATED), p.count(RunStatus.FAILED), p.done(), p.planned(),
                    percent, eta);
            // the loss and penalty of the runs in flight in this process, as the single-run bar shows them
            String inFlight = JobProgress.lossAndPenalty(List.copyOf(progress.inFlight(started.instanceId()).values()), 2);
            if (!inFlight.isEmpty() && !ended) {
                line += "; " + inFlight;
            }
            if (terminal) {
                int filled = percent * 30 / 100;
                String bar = "[" + "#".repeat(filled) + " ".repeat(30 - filled) + "] " + line;
                // spaces over what a longer line before left (the runs in flight come and go)
                err.print("\r" + bar + " ".repeat(Math.max(3, lastLength - bar.length())));
                lastLength = bar.length() + 3;
                err.flush();
            } else if (!line.equals(lastLine) && (System.nanoTime() - lastPrint > 10e9 || ended)) {
                err.println(line);
                err.flush();
                lastLine = line;
                lastPrint = System.nanoTime();
            }
            if (ended) {
                if (terminal) {
                    err.println();
                }
                return finish(e, started, out, err);
            }
            Thread.sleep(terminal ? 500 : 1000);
        }
    }

    private int finish(JobExecution e, JobLauncher.Started started, PrintWriter out, PrintWriter err) {
        long instance = started.instanceId();
        if (MemoryExhaustion.recorded() != null) {
            // a run ran out of memory: not a result; the same command with more memory continues it
            err.printf("gradreg: out of memory in job execution %d: %s; give it more memory (the container's limit, or "
                    + "-Xmx) and run the same command again (or 'gradreg restart %d')%n", e.getExecutionId(),
                    MemoryExhaustion.recorded(), e.getExecutionId());
            return ExitCode.OUT_OF_MEMORY.code();
        }
        Report report = reports.build(instance);
        out.print(ReportWriter.markdown(report));
        out.flush();
        if (ExitCode.ofJob(e.getBatchStatus(), 0) == ExitCode.UNFINISHED
                && StoreException.firstInfrastructureFailure() != null) {
            // the database or its files failed under the job: their code (74, 77, 75), in one line
            StoreException cause = StoreException.firstInfrastructureFailure();
            err.printf("gradreg: %s; job execution %d ended %s: 'gradreg restart %d' continues it once that is fixed%n",
                    Failures.oneLine(cause), e.getExecutionId(), e.getBatchStatus(), e.getExecutionId());
            return Failures.exitCode(cause).code();
        }
        if (ExitCode.ofJob(e.getBatchStatus(), 0) == ExitCode.UNFINISHED) {
            err.printf("gradreg: job execution %d ended %s (%s); continue it with 'gradreg restart %d'"
                    + (System.getenv("GRADREG_DEBUG") == null ? " (GRADREG_DEBUG=1 shows why a step failed)%n" : "%n"),
                    e.getExecutionId(), e.getBatchStatus(), e.getExitStatus(), e.getExecutionId());
            return ExitCode.UNFINISHED.code();
        }
        err.printf("report written to %s%n", reports.directory(report.experiment(), instance));
        if (started.sharding() != null) {
            // A shard answers for its share; the experiment is complete when every shard is.
            err.printf("shard %s of experiment %s: its %d runs are done; the experiment has %d of %d runs finished "
                    + "(gradreg report --experiment %s)%n", started.sharding().shard(), started.sharding().experimentId(),
                    started.share().size(), report.runs().size() - report.missing().size(), report.runs().size(),
                    started.sharding().experimentId());
        }
        var mine = started.share().stream().map(RunSpec::key).collect(java.util.stream.Collectors.toSet());
        List<RunRecord> failed = report.failed().stream().filter(r -> mine.contains(r.runKey())).toList();
        if (!failed.isEmpty()) {
            err.printf("gradreg: %d of %d runs failed (see the report)%n", failed.size(), mine.size());
        }
        // No false success: JBeret's COMPLETED is not trusted alone; every run of this share is finished.
        // Unfinished runs come first: a restart finishes them (and then reports the failed ones).
        var finished = report.runs().stream().filter(r -> r.status().finished()).map(RunRecord::runKey)
                .collect(java.util.stream.Collectors.toSet());
        List<String> unfinished = started.share().stream().map(RunSpec::key).filter(k -> !finished.contains(k)).toList();
        if (!unfinished.isEmpty()) {
            err.printf("gradreg: job execution %d completed, but %d of its %d runs are not evaluated (%s); "
                    + "'gradreg restart %d' finishes them%n", e.getExecutionId(), unfinished.size(), mine.size(),
                    unfinished.get(0) + (unfinished.size() > 1 ? ", ..." : ""), e.getExecutionId());
            return ExitCode.UNFINISHED.code();
        }
        return ExitCode.ofJob(e.getBatchStatus(), failed.size(), failedRunsPolicy()).code();
    }
}
