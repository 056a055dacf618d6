package io.gradreg.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Store operations made inside {@link ResultsStore#inOneTransaction} are recorded together or not at all. */
class OneTransactionTest {

    private final ResultsStore store = new ResultsStore(
            new Database("jdbc:h2:mem:tx" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", ""));

    @Test
    void aRefusalPartWayLeavesNothing() {
        store.ensureSchema();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> store.inOneTransaction("import x", () -> {
                    store.jobs().record(7, "quickstart", "quickstart.xml", "<job/>", new Properties(), null);
                    store.experiments().join("x", "f1", "quickstart", 7, 0, 1);
                    store.plans().save("p1", "quick", "{}", List.of(new Plans.PlannedRun("a#0", 0, "{}")));
                    store.experiments().join("x", "f2", "quickstart", 7, 0, 1); // another fingerprint: refused
                }));
        assertTrue(refused.getMessage().startsWith("experiment 'x' was started with another job file"), refused.getMessage());
        assertEquals(Optional.empty(), store.experiments().get("x"));
        assertEquals(Optional.empty(), store.jobs().get(7));
        assertEquals(Optional.empty(), store.plans().settings("p1"));
    }

    @Test
    void whatSucceedsIsRecordedWholeAndARepeatedInsertKeepsTheTransaction() {
        store.ensureSchema();
        store.inOneTransaction("import y", () -> {
            store.experiments().join("y", "f1", "quickstart", 8, 0, 1);
            store.experiments().join("y", "f1", "quickstart", 8, 0, 1); // the same rows again: kept once
            store.plans().save("p2", "quick", "{}", List.of(new Plans.PlannedRun("a#0", 0, "{}")));
        });
        assertEquals(8, store.experiments().get("y").orElseThrow().resultsInstance());
        assertEquals(List.of("a#0"), store.plans().runKeys("p2"));
    }
}
