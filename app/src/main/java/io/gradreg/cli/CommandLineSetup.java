package io.gradreg.cli;

import io.gradreg.store.Database;
import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

/** Turns failures into one line on stderr and an exit code; no stack traces for users. */
@ApplicationScoped
class CommandLineSetup {

    /**
     * JBeret's log and the executor's uncaught-exception log: held, so that the level set on them
     * stays (JUL keeps loggers weakly).
     */
    private static final java.util.List<java.util.logging.Logger> BATCH_LOGS = java.util.List.of(
            java.util.logging.Logger.getLogger("org.jberet"), java.util.logging.Logger.getLogger("org.jboss.threads.errors"));

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        if (System.getenv("GRADREG_DEBUG") == null) {
            // JBeret logs a failed batchlet or repository call with its whole stack trace (H2's run to
            // hundreds of lines), and the executor a thread that died of it; gradreg says what failed
            // in one line and exits with its code. GRADREG_DEBUG=1 keeps their logs and traces.
            BATCH_LOGS.forEach(log -> log.setLevel(java.util.logging.Level.OFF));
            // H2's background threads (e.g. H2-lob-cleaner) die with a trace when the store they
            // serve fails under them, after the job has already ended with the store's error: that
            // error is the one line to print. Other threads keep the JVM's default.
            Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
                if (!thread.getName().startsWith("H2-")) {
                    // what the JVM prints without a handler
                    System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                    error.printStackTrace(System.err);
                }
            });
        }
        return factory.create().setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable cause = e;
            ExitCode code = Failures.exitCode(e);
            String message = (code == ExitCode.OUT_OF_MEMORY ? "out of memory: " : "") + Failures.oneLine(cause);

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
