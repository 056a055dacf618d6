package io.gradreg.store;

/** The database is unreachable or refused an operation; the message names it (never its password). */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether this is the database being unreachable (a connection refused or broken, the server
     * shutting down), an infrastructure fault that retrying later can cure, rather than a refusal
     * that retrying cannot (bad credentials, a damaged table).
     */
    public boolean unavailable() {
        return isUnavailable(this);
    }

    /** Whether {@code e} or one of its causes says the database is unreachable. */
    public static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLRecoverableException
                    || t instanceof java.sql.SQLNonTransientConnectionException && !authentication(t)) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return !authentication(t);
            }
        }
        return false;
    }

    /** SQL state class 28: invalid authorization (a wrong user or password is bad input, not an outage). */
    private static boolean authentication(Throwable t) {
        return t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("28");
    }
}
