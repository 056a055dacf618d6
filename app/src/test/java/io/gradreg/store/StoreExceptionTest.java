package io.gradreg.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import org.junit.jupiter.api.Test;

/** An unreachable database is an infrastructure fault (exit 75, retried); a refusal is not. */
class StoreExceptionTest {

    @Test
    void connectionFailuresAreUnavailabilityWhateverWrapsThem() {
        assertTrue(new StoreException("x", new SQLException("refused", "08001")).unavailable());
        assertTrue(new StoreException("x", new SQLException("admin shutdown", "57P01")).unavailable());
        assertTrue(new StoreException("x", new SQLNonTransientConnectionException("broken")).unavailable());
        assertTrue(StoreException.isUnavailable(new RuntimeException(new IllegalStateException(
                new SQLException("connection lost", "08006")))));
    }

    @Test
    void transientServerConditionsAreRetriedLikeAnOutage() {
        // too many connections, out of memory or disk on the server, serialization failure, deadlock,
        // crash shutdown, starting up: the same operation repeated after a wait can succeed
        for (String state : new String[] {"53300", "53100", "53200", "40001", "40P01", "57P01", "57P02", "57P03"}) {
            assertTrue(new StoreException("x", new SQLException("busy", state)).unavailable(), state);
        }
        assertTrue(StoreException.isUnavailable(new SQLException("lock timeout", "HYT00")), "H2's lock timeout");
        assertFalse(StoreException.isUnavailable(new SQLException("database dropped", "57P04")));
    }

    @Test
    void refusalsAreNot() {
        assertFalse(new StoreException("x", new SQLException("password authentication failed", "28P01")).unavailable());
        assertFalse(new StoreException("x", new SQLException("no such table", "42P01")).unavailable());
        assertFalse(new StoreException("corrupt").unavailable());
    }

    @Test
    void driverMessagesLoseTheUrlsPassword() {
        Database db = new Database("jdbc:postgresql://127.0.0.1:9/g?password=hunter2", "u", "hunter2");
        assertEquals("No suitable driver found for jdbc:postgresql://127.0.0.1:9/g (password ***)",
                db.scrub("No suitable driver found for jdbc:postgresql://127.0.0.1:9/g?password=hunter2 (password hunter2)"));
        assertEquals("did you mean 'runs'? see password=*** and //***@host", Database.maskSecrets(
                "did you mean 'runs'? see password=x1 and //me:x1@host"));
    }
}
