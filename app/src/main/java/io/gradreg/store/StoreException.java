package io.gradreg.store;

import java.sql.SQLException;
import java.util.Set;

/** The database is unreachable or refused an operation; the message names it (never its password). */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * SQLStates of conditions that pass by themselves, so that the same operation, repeated after a
     * wait, can succeed: a server at its connection limit or short of memory or disk (class 53), a
     * transaction chosen as the victim of a serialization conflict or a deadlock (40001, 40P01), a
     * server shutting down or starting (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
     * connect now, 57P05 idle session timeout), H2's lock timeout (HYT00). Connection exceptions
     * (class 08) are matched by class.
     */
    private static final java.util.concurrent.atomic.AtomicReference<StoreException> FIRST_INFRASTRUCTURE_FAILURE =
            new java.util.concurrent.atomic.AtomicReference<>();

    static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03", "57P05", "HYT00");

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
        if (isUnavailable(cause) || FileFailure.io(cause) || FileFailure.permission(cause)) {
            FIRST_INFRASTRUCTURE_FAILURE.compareAndSet(null, this);
        }
    }

    /**
     * The first failure of the database or of its files that this process met (unreachable, full,
     * not writable), or null: a job that ended unfinished because of it exits with its code, not
     * with "unfinished", and says it in one line.
     */
    public static StoreException firstInfrastructureFailure() {
        return FIRST_INFRASTRUCTURE_FAILURE.get();
    }

    /**
     * Whether this is the database being unreachable or refusing for now (a connection refused or
     * broken, too many connections, a serialization failure, the server shutting down), an
     * infrastructure condition that retrying later can cure, rather than a refusal that retrying
     * cannot (bad credentials, a damaged table).
     */
    public boolean unavailable() {
        return isUnavailable(this);
    }

    /**
     * Whether {@code e} or one of its causes says the database is unreachable or transiently
     * refusing (see {@link #transientState}); a wrong user or password (class 28) never is, nor a
     * local file's failure ({@link FileFailure}).
     */
    public static boolean isUnavailable(Throwable e) {
        if (FileFailure.io(e) || FileFailure.permission(e)) {
            return false; // a file of the embedded database, which H2 reports as a broken connection
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (authentication(t)) {
                return false;
            }
            if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException
                    || t instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && transientState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a SQLState names a condition that passes by itself (class 08, class 53, and {@link #TRANSIENT_STATES}). */
    public static boolean transientState(String state) {
        return state.startsWith("08") || state.startsWith("53") || TRANSIENT_STATES.contains(state);
    }

    /** SQL state class 28: invalid authorization (a wrong user or password is bad input, not an outage). */
    private static boolean authentication(Throwable t) {
        return t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("28");
    }
}
