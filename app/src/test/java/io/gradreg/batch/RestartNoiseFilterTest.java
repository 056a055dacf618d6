package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** A restart's expected JBERET000018 warning is dropped; JBeret's other warnings and everyone else's are not. */
class RestartNoiseFilterTest {

    private static boolean shown(String logger, String message) {
        LogRecord record = new LogRecord(Level.WARNING, message);
        record.setLoggerName(logger);
        return new RestartNoiseFilter().isLoggable(record);
    }

    @Test
    void onlyTheRestartWarningIsDropped() {
        assertFalse(shown("org.jberet", "JBERET000018: Could not find the original step execution to restart.  "
                + "Current step execution id: %s, step name: %s"));
        assertTrue(shown("org.jberet", "JBERET000011: Failed to stop the job %s, %s, %s"));
        assertTrue(shown("io.gradreg.batch", "JBERET000018 quoted by someone else"));
        assertTrue(shown(null, null));
    }
}
