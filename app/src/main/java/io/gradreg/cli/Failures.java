package io.gradreg.cli;

import io.gradreg.data.DataFileException;
import io.gradreg.spi.RegularizerException;
import io.gradreg.store.FileFailure;
import io.gradreg.store.StoreException;
import io.gradreg.training.MemoryExhaustion;
import io.gradreg.training.TrainingException;
import jakarta.batch.operations.BatchRuntimeException;
import jakarta.batch.operations.JobStartException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Set;

/**
 * Which {@link ExitCode} a failure that reached the command line gets. The whole cause chain is
 * read, and the most specific evidence wins, in this order: memory ran out (3); permission denied,
 * on a file or as a database privilege (77); a file could not be read or written, the embedded
 * database's files included (74); the database unreachable or transiently refusing, after the
 * store's own retries (75); bad input or configuration (2); a training run that failed (1); anything
 * else is a bug (70). A file error is looked for before the database's state because H2 reports a
 * full disk as a broken connection ({@link FileFailure}).
 */
final class Failures {

    /** H2's out of memory. */
    static final String H2_OUT_OF_MEMORY = "90108";
    /** PostgreSQL: the database named in the URL does not exist (3D000); a wrong user or password is class 28. */
    static final String NO_SUCH_DATABASE = "3D000";

    private Failures() {
    }

    /** The failure's message on one line (drivers and H2 put SQL and details on lines of their own), secrets masked. */
    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return io.gradreg.store.Database.maskSecrets(message.strip().replaceAll("\\s*\\R\\s*", " "));
    }

    static ExitCode exitCode(Throwable e) {
        if (MemoryExhaustion.in(e) || anyState(e, Set.of(H2_OUT_OF_MEMORY))) {
            return ExitCode.OUT_OF_MEMORY;
        }
        if (FileFailure.permission(e)) {
            return ExitCode.NO_PERMISSION;
        }
        if (FileFailure.io(e)) {
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
        return anyState(e, Set.of(NO_SUCH_DATABASE))
                || any(e, t -> t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("28"))
                || e instanceof StoreException && !any(e, t -> t instanceof SQLException);
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
