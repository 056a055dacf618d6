package io.gradreg.cli;

import io.gradreg.data.DataFileException;
import io.gradreg.spi.RegularizerException;
import io.gradreg.store.StoreException;
import io.gradreg.training.MemoryExhaustion;
import io.gradreg.training.TrainingException;
import jakarta.batch.operations.BatchRuntimeException;
import jakarta.batch.operations.JobStartException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * Which {@link ExitCode} a failure that reached the command line gets. The whole cause chain is
 * read, and the most specific evidence wins, in this order: memory ran out (3); permission denied,
 * on a file or as a database privilege (77); a file could not be read or written, the embedded
 * database's files included (74); the database unreachable or transiently refusing, after the
 * store's own retries (75); bad input or configuration (2); a training run that failed (1); anything
 * else is a bug (70). A file error is looked for before the database's state because H2 reports a
 * full disk as a broken connection.
 */
final class Failures {

    /** H2's vendor codes (its SQLState) for its own files: I/O error, damaged, rename/delete/create failed, ... */
    static final Set<String> H2_FILE_STATES = Set.of("90024", "90025", "90028", "90030", "90031", "90034", "90048",
            "90062", "90124");
    /** H2's "database is read only" (its file or directory is not writable) and PostgreSQL's insufficient_privilege. */
    static final Set<String> PERMISSION_STATES = Set.of("90097", "42501");
    /** H2's out of memory. */
    static final String H2_OUT_OF_MEMORY = "90108";
    /** PostgreSQL: the database named in the URL does not exist (3D000); a wrong user or password is class 28. */
    static final String NO_SUCH_DATABASE = "3D000";

    private Failures() {
    }

    static ExitCode exitCode(Throwable e) {
        if (MemoryExhaustion.in(e) || anyState(e, Set.of(H2_OUT_OF_MEMORY))) {
            return ExitCode.OUT_OF_MEMORY;
        }
        if (any(e, Failures::permissionDenied) || anyState(e, PERMISSION_STATES)) {
            return ExitCode.NO_PERMISSION;
        }
        if (any(e, Failures::fileError) || anyState(e, H2_FILE_STATES)) {
            return ExitCode.IO_ERROR;
        }
        if (StoreException.isUnavailable(e)) {
            return ExitCode.UNAVAILABLE;
        }
        if (e instanceof JobStartException && e.getCause() != null) {
            return exitCode(e.getCause()); // JBeret's wrapper around what stopped the job from starting
        }
        if (e instanceof DataFileException || e instanceof RegularizerException || e instanceof IllegalArgumentException
                || e instanceof BatchRuntimeException && !any(e, t -> t instanceof SQLException) || configuration(e)) {
            return ExitCode.BAD_INPUT;
        }
        if (e instanceof TrainingException) {
            return ExitCode.RUN_FAILED;
        }
        if (any(e, t -> t instanceof IOException)) {
            return ExitCode.IO_ERROR;
        }
        return ExitCode.INTERNAL;
    }

    /**
     * A refusal by the database that its settings explain: a wrong user or password, no such
     * database, or gradreg's own refusal without a SQL cause (an experiment id taken by another
     * job, a plan this gradreg cannot read).
     */
    private static boolean configuration(Throwable e) {
        if (!(e instanceof StoreException)) {
            return anyState(e, Set.of(NO_SUCH_DATABASE)) || any(e, t -> t instanceof SQLException s
                    && s.getSQLState() != null && s.getSQLState().startsWith("28"));
        }
        return !any(e, t -> t instanceof SQLException) || anyState(e, Set.of(NO_SUCH_DATABASE))
                || any(e, t -> t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("28"));
    }

    private static boolean permissionDenied(Throwable t) {
        if (t instanceof AccessDeniedException) {
            return true;
        }
        String m = message(t);
        return (t instanceof IOException || t instanceof UncheckedIOException || t instanceof SecurityException)
                && (m.contains("permission denied") || m.contains("operation not permitted")
                        || m.contains("access denied") || m.contains("read-only file system"));
    }

    /** A file's error, not a socket's (a PostgreSQL connection that breaks is an IOException too). */
    private static boolean fileError(Throwable t) {
        String m = message(t);
        return t instanceof FileSystemException || t instanceof FileNotFoundException
                || (t instanceof IOException || t instanceof UncheckedIOException)
                        && (m.contains("no space left on device") || m.contains("disk quota exceeded"));
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
    }

    private static boolean anyState(Throwable e, Set<String> states) {
        return any(e, t -> t instanceof SQLException s && s.getSQLState() != null && states.contains(s.getSQLState()));
    }

    private static boolean any(Throwable e, java.util.function.Predicate<Throwable> test) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }
}
