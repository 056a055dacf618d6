package io.gradreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.EngineException;
import io.gradreg.data.DataFileException;
import io.gradreg.store.StoreException;
import io.gradreg.training.TrainingException;
import jakarta.batch.operations.JobStartException;
import jakarta.batch.operations.NoSuchJobExecutionException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransactionRollbackException;
import org.junit.jupiter.api.Test;

/**
 * Each class of failure that reaches the command line, as the store, JBeret, DJL and the JDK throw
 * it, gets its documented exit code (docs/operations.md, "Failure behaviour"). The SQLStates are PostgreSQL's
 * (and the SQL standard's classes) and H2's vendor codes.
 */
class FailuresTest {

    /** As the store throws it: its message, the driver's exception as the cause. */
    static StoreException store(String state) {
        return new StoreException("cannot record run x in db", new SQLException("server says no", state));
    }

    @Test
    void class08ConnectionExceptionsAreTheInfrastructureCode() {
        for (String state : new String[] {"08000", "08001", "08003", "08004", "08006", "08P01"}) {
            assertEquals(ExitCode.UNAVAILABLE, Failures.exitCode(store(state)), state);
        }
        // PostgreSQL's driver: a broken socket is an I/O error under a connection state, not a file error
        assertEquals(ExitCode.UNAVAILABLE, Failures.exitCode(new StoreException("x", new SQLException(
                "An I/O error occurred while sending to the backend.", "08006", new SocketException("Connection reset")))));
        assertEquals(ExitCode.UNAVAILABLE, Failures.exitCode(new StoreException("x", new SQLException(
                "Connection refused", "08001", new ConnectException("Connection refused")))));
    }

    @Test
    void class53InsufficientResourcesIsTransient() {
        for (String state : new String[] {"53000", "53100", "53200", "53300", "53400"}) {
            assertEquals(ExitCode.UNAVAILABLE, Failures.exitCode(store(state)), state);
            assertEquals(true, StoreException.isUnavailable(store(state)), state + " is retried in-process first");
        }
    }

    @Test
    void class40SerializationFailureAndDeadlockAreTransient() {
        assertEquals(ExitCode.UNAVAILABLE, Failures.exitCode(store("40001")));
        assertEquals(ExitCode.UNAVAILABLE, Failures.exitCode(store("40P01")));
        assertEquals(ExitCode.UNAVAILABLE, Failures.exitCode(new StoreException("x",
                new SQLTransactionRollbackException("rolled back", "40000"))), "a transient JDBC class");
    }

    @Test
    void class57OperatorInterventionIsTransientExceptADroppedDatabase() {
        for (String state : new String[] {"57P01", "57P02", "57P03", "57P05"}) {
            assertEquals(ExitCode.UNAVAILABLE, Failures.exitCode(store(state)), state);
        }
        assertEquals(ExitCode.INTERNAL, Failures.exitCode(store("57P04")), "database dropped: retrying cannot help");
        assertEquals(ExitCode.INTERNAL, Failures.exitCode(store("57014")), "query cancelled");
    }

    @Test
    void class28AuthorizationAndAMissingDatabaseAreConfiguration() {
        assertEquals(ExitCode.BAD_INPUT, Failures.exitCode(store("28P01")));
        assertEquals(ExitCode.BAD_INPUT, Failures.exitCode(store("28000")));
        // PostgreSQL reports a bad password on a connection exception class of its own driver; 28 wins
        assertEquals(ExitCode.BAD_INPUT, Failures.exitCode(new StoreException("x",
                new SQLNonTransientConnectionException("password authentication failed", "28P01"))));
        assertEquals(ExitCode.BAD_INPUT, Failures.exitCode(store("3D000")), "database does not exist");
        assertEquals(ExitCode.BAD_INPUT, Failures.exitCode(new StoreException("experiment c4 belongs to another job")),
                "gradreg's own refusal");
    }

    @Test
    void class42PrivilegeIsPermissionOtherRefusalsAreBugs() {
        assertEquals(ExitCode.NO_PERMISSION, Failures.exitCode(store("42501")));
        assertEquals(ExitCode.INTERNAL, Failures.exitCode(store("42P01")), "undefined table");
        assertEquals(ExitCode.INTERNAL, Failures.exitCode(store("23502")), "not-null violation");
        assertEquals(ExitCode.INTERNAL, Failures.exitCode(store("22003")), "numeric value out of range");
    }

    @Test
    void h2FileErrorsAreIoEvenWhenH2CallsThemABrokenConnection() {
        // H2 wraps its file errors in a non-transient connection exception; the file decides
        assertEquals(ExitCode.IO_ERROR, Failures.exitCode(new StoreException("x", new SQLNonTransientConnectionException(
                "IO Exception: \"java.io.IOException: No space left on device\"", "90028",
                new IOException("No space left on device")))));
        assertEquals(ExitCode.IO_ERROR, Failures.exitCode(store("90030")), "file corrupted");
        assertEquals(ExitCode.NO_PERMISSION, Failures.exitCode(new StoreException("x", new SQLNonTransientConnectionException(
                "IO Exception", "90028", new AccessDeniedException("/work/gradreg.mv.db")))));
        assertEquals(ExitCode.NO_PERMISSION, Failures.exitCode(store("90097")), "database is read only");
        // a read-only gradreg.mv.db, as H2 2.4 says it with AUTO_SERVER (seen with a file chmod 444)
        assertEquals(ExitCode.NO_PERMISSION, Failures.exitCode(new StoreException("cannot connect", new SQLException(
                "Feature not supported: \"AUTO_SERVER=TRUE && (readOnly || inMemory || FILE_LOCK=NO || FILE_LOCK=FS)\"",
                "HYC00", 50100))));
        // a full disk while H2 writes its lock file: SQLState 08000, a connection exception's class (seen on a
        // full tmpfs); neither retried for minutes nor reported as the database being unreachable
        StoreException lockFile = new StoreException("cannot record", new SQLNonTransientConnectionException(
                "Error opening database: \"Could not save properties /work/gradreg.lock.db\"", "08000",
                new IOException("No space left on device")));
        assertEquals(ExitCode.IO_ERROR, Failures.exitCode(lockFile));
        assertEquals(false, lockFile.unavailable(), "not an outage to wait out");
        assertEquals(ExitCode.OUT_OF_MEMORY, Failures.exitCode(store("90108")));
        assertEquals(ExitCode.UNAVAILABLE, Failures.exitCode(new StoreException("x", new SQLNonTransientConnectionException(
                "Connection is broken: \"java.net.ConnectException: Connection refused\"", "90067",
                new ConnectException("Connection refused")))), "H2's auto-server gone: no file involved");
    }

    @Test
    void filesOutsideTheDatabase() {
        assertEquals(ExitCode.IO_ERROR, Failures.exitCode(new UncheckedIOException("cannot write runs.json",
                new FileSystemException("/out/runs.json", null, "No space left on device"))));
        assertEquals(ExitCode.IO_ERROR, Failures.exitCode(new UncheckedIOException("cannot write report.html",
                new IOException("Input/output error"))));
        assertEquals(ExitCode.NO_PERMISSION, Failures.exitCode(new UncheckedIOException("cannot write x",
                new AccessDeniedException("/out/x"))));
        assertEquals(ExitCode.NO_PERMISSION, Failures.exitCode(new IllegalStateException("cannot open",
                new FileNotFoundException("/work/x (Permission denied)"))));
        assertEquals(ExitCode.NO_PERMISSION, Failures.exitCode(new UncheckedIOException("x",
                new FileSystemException("/work/x: Read-only file system"))));
    }

    @Test
    void memoryTrainingInputAndBugs() {
        assertEquals(ExitCode.OUT_OF_MEMORY, Failures.exitCode(new OutOfMemoryError("Java heap space")));
        assertEquals(ExitCode.OUT_OF_MEMORY, Failures.exitCode(new TrainingException("regularizer jacreg failed",
                new EngineException("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: not enough memory"))));
        assertEquals(ExitCode.RUN_FAILED, Failures.exitCode(new TrainingException("run with seed 3 diverged")));
        assertEquals(ExitCode.BAD_INPUT, Failures.exitCode(new DataFileException("bad checksum")));
        assertEquals(ExitCode.BAD_INPUT, Failures.exitCode(new IllegalArgumentException("unknown property")));
        assertEquals(ExitCode.BAD_INPUT, Failures.exitCode(new NoSuchJobExecutionException("no execution 9")));
        assertEquals(ExitCode.UNAVAILABLE, Failures.exitCode(new JobStartException(store("08001"))));
        assertEquals(ExitCode.INTERNAL, Failures.exitCode(new NullPointerException()));
        assertEquals(ExitCode.INTERNAL, Failures.exitCode(new IllegalStateException("no recorded subset")));
    }
}
