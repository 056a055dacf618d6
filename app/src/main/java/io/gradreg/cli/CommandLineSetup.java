package io.gradreg.cli;

import io.gradreg.data.DataFileException;
import io.gradreg.spi.RegularizerException;
import io.gradreg.store.Database;
import io.gradreg.store.StoreException;
import io.gradreg.training.TrainingException;
import jakarta.batch.operations.BatchRuntimeException;
import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

/** Turns failures into one line on stderr and an exit code; no stack traces for users. */
@ApplicationScoped
class CommandLineSetup {

    /** Bad input: data files, parameters, regularizer names. */
    static final int EXIT_INPUT = 2;
    /** A training run failed (diverged, a plugin threw). */
    static final int EXIT_FAILED = 1;
    /** A bug in gradreg. */
    static final int EXIT_INTERNAL = 70;
    /**
     * Infrastructure: the database is unreachable. Retrying later can succeed (sysexits'
     * EX_TEMPFAIL); the Kubernetes manifests retry such a pod without counting it as a failure.
     */
    static final int EXIT_UNAVAILABLE = 75;

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return factory.create().setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable cause = e;
            int code;
            if (StoreException.isUnavailable(e)) {
                code = EXIT_UNAVAILABLE;
            } else if (e instanceof DataFileException || e instanceof RegularizerException
                    || e instanceof IllegalArgumentException || e instanceof StoreException) {
                code = EXIT_INPUT;
            } else if (e instanceof TrainingException || e instanceof BatchRuntimeException) {
                code = EXIT_FAILED;
            } else {
                code = EXIT_INTERNAL;
            }
            String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();

            if (System.getenv("GRADREG_DEBUG") != null) {
                cause.printStackTrace(cmd.getErr());
            } else if (code == EXIT_INTERNAL) {
                cmd.getErr().println("gradreg: set GRADREG_DEBUG=1 to see where it happened");
            }
            cmd.getErr().println("gradreg: " + Database.maskSecrets(code == EXIT_INTERNAL ? "internal error: " + cause
                    : message));
            return code;
        });
    }
}
