package io.gradreg.cli;

import jakarta.batch.runtime.BatchStatus;

/**
 * The exit codes of gradreg's commands, one per way a process can end, chosen so that a scheduler
 * (a shell loop, Kubernetes' podFailurePolicy in deploy/k8s) can tell what a retry would do:
 * docs/operations.md, "Failure behaviour", lists each with its cause and its policy in the cluster.
 * {@link Failures#exitCode} maps an exception to its code. SIGTERM and Ctrl-C end a job with 143
 * and 130 (128 + the signal; see batch.GracefulStop).
 */
public enum ExitCode {
    /** Done: this process's share of the experiment is trained and evaluated. */
    OK(0),
    /**
     * A run failed deterministically (it diverged, its regularizer threw): a retry fails the same
     * way. With {@code gradreg.failed-runs=record} (the cluster's experiments) a failed run is a
     * result and the share exits {@link #OK}.
     */
    RUN_FAILED(1),
    /** Bad input or configuration, found before anything runs (job file, parameters, data, plugins, credentials). */
    BAD_INPUT(2),
    /**
     * Out of memory: the Java heap (the JVM's own -XX:+ExitOnOutOfMemoryError exits 3, which is why
     * this code is 3) or libtorch's allocator. Nothing finished is lost; a retry with more memory continues.
     */
    OUT_OF_MEMORY(3),
    /** The execution ended unfinished (FAILED, STOPPED, ABANDONED); {@code gradreg restart} continues it. */
    UNFINISHED(4),
    /** A bug in gradreg (sysexits' EX_SOFTWARE). */
    INTERNAL(70),
    /** A file could not be read or written: disk full, a damaged file, an I/O error (sysexits' EX_IOERR). */
    IO_ERROR(74),
    /**
     * Infrastructure: the database is unreachable or transiently refusing (connection lost, too
     * many connections, serialization failure, shutting down) for longer than
     * {@code gradreg.db.outage-seconds} of retrying. Retrying later can succeed (sysexits' EX_TEMPFAIL).
     */
    UNAVAILABLE(75),
    /** Permission denied: a file or directory, or a database privilege (sysexits' EX_NOPERM). */
    NO_PERMISSION(77);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** What a share with failed runs but nothing unfinished exits with ({@code gradreg.failed-runs}). */
    public enum FailedRuns {
        /** exit 1: a failed run fails the process (the default; a script sees it). */
        FAIL,
        /** exit 0: a failed run is a result, recorded and reported (the cluster's experiments: siblings go on). */
        RECORD;

        public static FailedRuns parse(String value) {
            return switch (value) {
                case "fail" -> FAIL;
                case "record" -> RECORD;
                default -> throw new IllegalArgumentException("gradreg.failed-runs (GRADREG_FAILED_RUNS) is '" + value
                        + "'; it is 'fail' (exit 1 when a run failed) or 'record' (exit 0, the report lists it)");
            };
        }
    }

    /** How a watched job ended: unfinished unless COMPLETED, else failed if any of this process's runs failed. */
    static ExitCode ofJob(BatchStatus status, int failedRuns) {
        return ofJob(status, failedRuns, FailedRuns.FAIL);
    }

    public static ExitCode ofJob(BatchStatus status, int failedRuns, FailedRuns policy) {
        if (status != BatchStatus.COMPLETED) {
            return UNFINISHED;
        }
        return failedRuns > 0 && policy == FailedRuns.FAIL ? RUN_FAILED : OK;
    }
}
