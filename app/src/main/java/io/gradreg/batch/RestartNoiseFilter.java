package io.gradreg.batch;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Drops JBeret's JBERET000018 ("Could not find the original step execution to restart"), which it
 * logs as a warning on every {@code gradreg restart} for each step the earlier execution did not
 * reach: that is what a restart is for, not a problem. JBeret's other warnings are shown. Installed
 * on the console by {@code quarkus.log.console.filter} in application.properties.
 */
@LoggingFilter(name = RestartNoiseFilter.NAME)
public final class RestartNoiseFilter implements Filter {

    static final String NAME = "gradreg-restart-noise";

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        return !(record.getLoggerName() != null && record.getLoggerName().startsWith("org.jberet")
                && message != null && message.startsWith("JBERET000018"));
    }
}
