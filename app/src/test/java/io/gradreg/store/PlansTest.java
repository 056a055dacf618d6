package io.gradreg.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The plan tables and the DDL scripts, on an in-memory H2 database (PostgreSQL: ShardIT, ExportImportIT). */
class PlansTest {

    private final ResultsStore store = new ResultsStore(
            new Database("jdbc:h2:mem:plans" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", ""));

    @Test
    void aPlanIsSavedOnceAndReadInOrder() {
        store.ensureSchema();
        store.ensureSchema(); // every start runs the script again
        List<Plans.PlannedRun> runs = List.of(new Plans.PlannedRun("a/none/1#1", 1, "{\"b\":1}"),
                new Plans.PlannedRun("a/none/1#0", 0, "{\"a\":1}"));
        store.plans().save("p1", "quick", "{\"s\":1}", runs);
        store.plans().save("p1", "quick", "{\"s\":1}", runs); // a restart, or another shard
        assertEquals(Optional.of("{\"s\":1}"), store.plans().settings("p1"));
        assertEquals(List.of("a/none/1#0", "a/none/1#1"), store.plans().runKeys("p1"));
        assertEquals("{\"b\":1}", store.plans().run("p1", "a/none/1#1").orElseThrow().config());
        assertEquals(Optional.empty(), store.plans().settings("p2"));
    }

    @Test
    void jobsRecordTheirPlanAndOldJobsGetOneLater() {
        store.ensureSchema();
        store.jobs().record(3, "c6", "jobs/c6.xml", "<job/>", new java.util.Properties(), null);
        assertEquals(null, store.jobs().get(3).orElseThrow().planId());
        store.jobs().setPlan(3, "p9");
        assertEquals("p9", store.jobs().get(3).orElseThrow().planId());
    }

    @Test
    void theScriptsSplitIntoStatementsWithoutComments() throws Exception {
        for (String file : List.of("schema-h2.sql", "schema-postgresql.sql")) {
            String script = new String(ResultsStore.class.getResourceAsStream(file).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            List<String> statements = ResultsStore.statements(script);
            assertEquals(18, statements.size(), file);
            assertTrue(statements.stream().allMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS gradreg_")
                    || s.startsWith("ALTER TABLE gradreg_")), file);
            assertTrue(statements.stream().noneMatch(s -> s.contains("--") || s.endsWith(";")), file);
        }
    }

    @Test
    void aFailedWriteNamesTheOperationAndTheDatabaseWithoutCredentials() {
        // no tables: every operation fails
        StoreException e = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class,
                () -> store.runs().markEvaluated(1, "a/none/1#0", 0.5, 0.1));
        assertTrue(e.getMessage().startsWith("cannot record the test accuracy of run a/none/1#0 in jdbc:h2:mem:plans"),
                e.getMessage());
    }
}
