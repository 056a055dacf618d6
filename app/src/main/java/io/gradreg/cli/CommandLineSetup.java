package io.gradreg.cli;

import io.gradreg.store.Database;
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
            ExitCode code = Failures.exitCode(e);
            String message = (code == ExitCode.OUT_OF_MEMORY ? "out of memory: " : "")
                    + (cause.getMessage() == null ? cause.toString() : cause.getMessage());
            message = message.strip().replaceAll("\\s*\\R\\s*", " "); // one line, whatever the driver wrote

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
