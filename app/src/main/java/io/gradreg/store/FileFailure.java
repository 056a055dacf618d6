package io.gradreg.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * A failure of a local file, told apart from a database that is unreachable: a full disk, an I/O
 * error, a file or directory that may not be written. The embedded H2 database reports its own file
 * errors as broken connections (SQLState 08000, or a non-transient connection exception), so the
 * cause chain is read for the file's evidence: retrying such a failure for minutes cannot help, and
 * its exit code is the file's (74, or 77 for a permission), not the database's (75).
 */
public final class FileFailure {

    /** H2's vendor codes (its SQLState) for its own files: I/O error, damaged, rename/delete/create failed, ... */
    static final Set<String> H2_FILE_STATES = Set.of("90024", "90025", "90028", "90030", "90031", "90034", "90048",
            "90062", "90124");
    /** H2's "database is read only" (its file or directory is not writable) and PostgreSQL's insufficient_privilege. */
    static final Set<String> PERMISSION_STATES = Set.of("90097", "42501");
    /** H2's "feature not supported" (50100), which it reports for a read-only database file with AUTO_SERVER. */
    static final int H2_FEATURE_NOT_SUPPORTED = 50100;

    private FileFailure() {
    }

    /** Permission denied, on a file or directory or as a database privilege, anywhere in {@code e}'s causes. */
    public static boolean permission(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = message(t);
            if (t instanceof AccessDeniedException || state(t, PERMISSION_STATES)
                    || (t instanceof IOException || t instanceof UncheckedIOException || t instanceof SecurityException)
                            && (m.contains("permission denied") || m.contains("operation not permitted")
                                    || m.contains("access denied") || m.contains("read-only file system"))
                    || t instanceof SQLException s && s.getErrorCode() == H2_FEATURE_NOT_SUPPORTED && m.contains("readonly")) {
                return true;
            }
        }
        return false;
    }

    /** A file could not be read or written (a full disk, an I/O error, a damaged H2 file), anywhere in {@code e}'s causes. */
    public static boolean io(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = message(t);
            if (t instanceof FileSystemException || t instanceof FileNotFoundException || state(t, H2_FILE_STATES)
                    || (t instanceof IOException || t instanceof UncheckedIOException)
                            && (m.contains("no space left on device") || m.contains("disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean state(Throwable t, Set<String> states) {
        return t instanceof SQLException s && s.getSQLState() != null && states.contains(s.getSQLState());
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
    }
}
