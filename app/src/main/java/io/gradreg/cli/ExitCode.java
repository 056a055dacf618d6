package io.gradreg.cli;

import jakarta.batch.runtime.BatchStatus;

/**
 * The exit codes of gradreg's commands, one per way a process can end, chosen so that a scheduler
 * (a shell loop, Kubernetes' podFailurePolicy in deploy/k8s) can tell what a retry would do.
 * SIGTERM and Ctrl-C end a job with 143 and 130 (128 + the signal; see batch.GracefulStop).
 */
public enum ExitCode {
    /** Done: this process's share of the experiment is trained and evaluated. */
    OK(0),
    /** A run failed deterministically (it diverged, its regularizer threw): a retry fails the same way. */
    RUN_FAILED(1),
    /** Bad input, found before anything runs (job file, parameters, data, plugins, credentials). */
    BAD_INPUT(2),
    /** The execution ended unfinished (FAILED, STOPPED, ABANDONED); {@code gradreg restart} continues it. */
    UNFINISHED(3),
    /** A bug in gradreg. */
    INTERNAL(70),
    /**
     * Infrastructure: the database is unreachable. Retrying later can succeed (sysexits'
     * EX_TEMPFAIL); the Kubernetes manifests retry such a pod without counting it as a failure.
     */
    UNAVAILABLE(75);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** How a watched job ended: unfinished unless COMPLETED, else failed if any of this process's runs failed. */
    static ExitCode ofJob(BatchStatus status, int failedRuns) {
        if (status != BatchStatus.COMPLETED) {
            return UNFINISHED;
        }
        return failedRuns > 0 ? RUN_FAILED : OK;
    }
}
