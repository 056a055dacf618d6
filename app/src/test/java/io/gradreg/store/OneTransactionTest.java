package io.gradreg.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Store operations made inside {@link ResultsStore#inOneTransaction} are recorded together or not at
 * all: on in-memory H2, and on PostgreSQL when {@code GRADREG_TEST_PG_URL} names one (there a
 * refused insert would abort the transaction without its savepoint).
 */
class OneTransactionTest {

    static List<ResultsStore> stores() {
        List<ResultsStore> stores = new ArrayList<>();
        stores.add(new ResultsStore(new Database("jdbc:h2:mem:tx" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "")));
        String pg = System.getenv("GRADREG_TEST_PG_URL");
        if (pg != null) {
            stores.add(new ResultsStore(new Database(pg, System.getenv().getOrDefault("GRADREG_TEST_PG_USER", ""),
                    System.getenv().getOrDefault("GRADREG_TEST_PG_PASSWORD", ""))));
        }
        return stores;
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aRefusalPartWayLeavesNothing(ResultsStore store) {
        store.ensureSchema();
        String id = "x" + System.nanoTime();
        long instance = System.nanoTime() % 1_000_000_000L;
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> store.inOneTransaction("import x", () -> {
                    store.jobs().record(instance, "quickstart", "quickstart.xml", "<job/>", new Properties(), null);
                    store.experiments().join(id, "f1", "quickstart", instance, 0, 1);
                    store.plans().save(id, "quick", "{}", List.of(new Plans.PlannedRun("a#0", 0, "{}")));
                    store.experiments().join(id, "f2", "quickstart", instance, 0, 1); // another fingerprint: refused
                }));
        assertTrue(refused.getMessage().startsWith("experiment '" + id + "' was started with another job file"),
                refused.getMessage());
        assertEquals(Optional.empty(), store.experiments().get(id));
        assertEquals(Optional.empty(), store.jobs().get(instance));
        assertEquals(Optional.empty(), store.plans().settings(id));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void whatSucceedsIsRecordedWholeAndARepeatedInsertKeepsTheTransaction(ResultsStore store) {
        store.ensureSchema();
        String id = "y" + System.nanoTime();
        store.inOneTransaction("import y", () -> {
            store.experiments().join(id, "f1", "quickstart", 8, 0, 1);
            store.experiments().join(id, "f1", "quickstart", 8, 0, 1); // the same rows again: kept once
            store.plans().save(id, "quick", "{}", List.of(new Plans.PlannedRun("a#0", 0, "{}")));
        });
        assertEquals(8, store.experiments().get(id).orElseThrow().resultsInstance());
        assertEquals(List.of("a#0"), store.plans().runKeys(id));
    }
}
