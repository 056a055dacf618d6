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

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return factory.create().setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable cause = e;
            ExitCode code;
            if (StoreException.isUnavailable(e)) {
                code = ExitCode.UNAVAILABLE;
            } else if (e instanceof DataFileException || e instanceof RegularizerException
                    || e instanceof IllegalArgumentException || e instanceof StoreException) {
                code = ExitCode.BAD_INPUT;
            } else if (e instanceof TrainingException || e instanceof BatchRuntimeException) {
                code = ExitCode.RUN_FAILED;
            } else {
                code = ExitCode.INTERNAL;
            }
            String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();

            if (System.getenv("GRADREG_DEBUG") != null) {
                cause.printStackTrace(cmd.getErr());
            } else if (code == ExitCode.INTERNAL) {
                cmd.getErr().println("gradreg: set GRADREG_DEBUG=1 to see where it happened");
            }
            cmd.getErr().println("gradreg: " + Database.maskSecrets(code == ExitCode.INTERNAL ? "internal error: " + cause
                    : message));
            return code.code();
        });
    }
}
