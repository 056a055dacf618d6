package io.gradreg.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Claims and shard registration on an in-memory H2 database (PostgreSQL: ShardIT). */
class ClaimsTest {

    private ResultsStore store;

    @BeforeEach
    void createStore() {
        store = new ResultsStore(new Database("jdbc:h2:mem:claims" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", ""));
        store.ensureSchema();
        store.runs().plan(new RunRecord(1, "baseline/none/50/class#0", "e", "baseline", "none", 0, "50/class", 0, 1, 100,
                RunStatus.PLANNED, 0, null, null, null, null, null, null, 1L, null, null), 0);
    }

    @Test
    void aLiveClaimExcludesOthersAndAnExpiredOneIsTakenOver() throws Exception {
        String run = "baseline/none/50/class#0";
        Claim first = store.claims().claim(1, run, "pod-a", 10, 1).orElseThrow();
        assertEquals(Optional.empty(), store.claims().claim(1, run, "pod-b", 20, 1), "held by pod-a");
        assertTrue(store.claims().claim(1, run, "pod-a", 10, 1).isPresent(), "its owner may claim again");
        Thread.sleep(2_100); // the lease of 1 s expires (pod-a died)
        Claim second = store.claims().claim(1, run, "pod-b", 20, 1).orElseThrow();
        assertThrows(ClaimLostException.class, () -> store.runs().saveCheckpoint(first, 50, new byte[] {1}, List.of()));
        assertThrows(ClaimLostException.class, () -> store.runs().markTrained(first, 100, new byte[] {1}, 0.1, 0, 1, "test", List.of()));
        assertThrows(ClaimLostException.class, () -> store.runs().markFailed(first, "diverged", List.of()), "a lost claim "
                + "cannot overwrite what the new owner records");
        assertEquals(RunStatus.PLANNED, store.runs().get(1, run).orElseThrow().status());
        assertEquals(Optional.empty(), store.runs().checkpoint(1, run), "nothing written by the lost claim");
        store.runs().saveCheckpoint(second, 50, new byte[] {2}, List.of());
        assertEquals(50, store.runs().get(1, run).orElseThrow().minibatchesDone());
        store.runs().markTrained(second, 100, new byte[] {3}, 0.1, 0, 1, "test", List.of());
        assertEquals(RunStatus.TRAINED, store.runs().get(1, run).orElseThrow().status());
    }

    @Test
    void liveRunClaimsAreTheUnexpiredOnes() throws Exception {
        String run = "baseline/none/50/class#0";
        assertEquals(java.util.Set.of(), store.claims().liveRunClaims(1).keySet());
        Claim claim = store.claims().claim(1, run, "pod-a", 10, 1).orElseThrow();
        assertEquals(java.util.Map.of(run, "pod-a"), store.claims().liveRunClaims(1));
        assertEquals(java.util.Set.of(), store.claims().liveRunClaims(2).keySet(), "another instance's");
        Thread.sleep(2_100); // the lease of 1 s expires (pod-a died)
        assertEquals(java.util.Set.of(), store.claims().liveRunClaims(1).keySet());
        store.claims().renew(claim);
        assertEquals(java.util.Set.of(run), store.claims().liveRunClaims(1).keySet(), "renewed");
        store.claims().release(claim);
        assertEquals(java.util.Set.of(), store.claims().liveRunClaims(1).keySet(), "released");
    }

    @Test
    void evaluationIsRecordedOnceAndReleasedClaimsAreFree() {
        String run = "baseline/none/50/class#0";
        Claim claim = store.claims().claim(1, run, "pod-a", 10, 30).orElseThrow();
        store.runs().markTrained(claim, 100, new byte[] {3}, 0.1, 0, 1, "test", List.of());
        store.runs().markEvaluated(1, run, 0.9, 0.3);
        store.runs().markEvaluated(1, run, 0.5, 0.7); // a second evaluation of the same run changes nothing
        RunRecord r = store.runs().get(1, run).orElseThrow();
        assertEquals(RunStatus.EVALUATED, r.status());
        assertEquals(0.9, r.testAccuracy());
        assertEquals(Optional.empty(), store.runs().checkpoint(1, run));

        assertEquals(Optional.empty(), store.claims().claim(1, run, "pod-b", 20, 30));
        store.claims().release(1, 10);
        assertTrue(store.claims().claim(1, run, "pod-b", 20, 30).isPresent(), "free once its execution's claims are released");
    }

    @Test
    void aRunEvaluatedByADuplicateAfterBeingListedIsSkippedAndMissingParametersAreReported() throws Exception {
        String run = "baseline/none/50/class#0";
        store.runs().markTrained(store.claims().claim(1, run, "pod-a", 10, 30).orElseThrow(), 100, new byte[] {3}, 0.1, 0, 1, "test", List.of());
        assertArrayEquals(new byte[] {3}, store.runs().trainedParameters(1, run).orElseThrow());
        store.runs().markEvaluated(1, run, 0.9, 0.3); // the duplicate, between this process's list and its read
        assertEquals(Optional.empty(), store.runs().trainedParameters(1, run), "evaluated elsewhere: nothing to do");

        store.runs().plan(new RunRecord(1, "baseline/none/50/class#1", "e", "baseline", "none", 0, "50/class", 1, 2, 100,
                RunStatus.PLANNED, 0, null, null, null, null, null, null, 1L, null, null), 1);
        Claim other = store.claims().claim(1, "baseline/none/50/class#1", "pod-a", 10, 30).orElseThrow();
        store.runs().markTrained(other, 100, new byte[] {4}, 0.1, 0, 1, "test", List.of());
        try (Connection c = store.database().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM gradreg_checkpoint WHERE run_key = 'baseline/none/50/class#1'");
        }
        String message = assertThrows(DamagedCheckpointException.class,
                () -> store.runs().trainedParameters(1, "baseline/none/50/class#1")).getMessage();
        assertTrue(message.startsWith("run baseline/none/50/class#1 of job instance 1 is TRAINED but its parameters "
                + "are missing"), message);
        store.runs().retrainDamaged(1, "baseline/none/50/class#1", "damaged; trains again");
        RunRecord again = store.runs().get(1, "baseline/none/50/class#1").orElseThrow();
        assertEquals(RunStatus.PLANNED, again.status(), "back to be trained");
        assertEquals(0, again.minibatchesDone());
        assertEquals("damaged; trains again", again.message());
        store.runs().retrainDamaged(1, run, "must not touch an evaluated run");
        assertEquals(RunStatus.EVALUATED, store.runs().get(1, run).orElseThrow().status());
    }

    @Test
    void shardsJoinOneExperimentUnderTheFirstShardsInstance() {
        store.jobs().record(7, "c6", "jobs/c6.xml", "<job/>", new Properties(), null);
        Experiments.Experiment e = store.experiments().join("c6-x", "f1", "c6", 7, 1, 3);
        assertEquals(7, e.resultsInstance());
        assertEquals(7, store.experiments().join("c6-x", "f1", "c6", 9, 0, 3).resultsInstance());
        assertEquals(7, store.experiments().join("c6-x", "f1", "c6", 9, 0, 3).resultsInstance(), "idempotent");
        assertEquals(7, store.experiments().resultsInstance(9));
        assertEquals(12, store.experiments().resultsInstance(12), "not a shard: its own instance");
        String message = assertThrows(IllegalArgumentException.class,
                () -> store.experiments().join("c6-x", "f2", "c6", 11, 2, 3)).getMessage();
        assertEquals("experiment 'c6-x' was started with another job file or other parameters; give every shard the "
                + "same ones, or use another --experiment-id", message);
    }

    @Test
    void aCheckpointThatFailsItsChecksumIsDetectedAndCanBeDiscarded() throws Exception {
        String run = "baseline/none/50/class#0";
        Claim claim = store.claims().claim(1, run, "pod-a", 10, 30).orElseThrow();
        store.runs().saveCheckpoint(claim, 500, new byte[] {1, 2, 3, 4}, List.of());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, store.runs().checkpoint(1, run).orElseThrow());
        try (Connection c = store.database().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE gradreg_checkpoint SET data = X'01020305'"); // one flipped bit
        }
        String message = assertThrows(DamagedCheckpointException.class, () -> store.runs().checkpoint(1, run))
                .getMessage();
        assertEquals("the checkpoint of run baseline/none/50/class#0 at minibatch 500 fails its checksum", message);
        store.runs().discardCheckpoint(claim, message + "; discarded");
        assertEquals(Optional.empty(), store.runs().checkpoint(1, run));
        RunRecord r = store.runs().get(1, run).orElseThrow();
        assertEquals(0, r.minibatchesDone());
        assertEquals(message + "; discarded", r.message());
        store.runs().markTraining(1, run, 10);
        assertEquals(message + "; discarded", store.runs().get(1, run).orElseThrow().message(), "the note stays");
    }

    /**
     * Two processes whose clients are 26 hours apart (UTC+14 and UTC-12, as the session time zone
     * each JDBC driver sets from its JVM) must agree on a lease: neither takes over the other's live
     * claim, and an expired one is taken over. Judged by the clients' local time, the one ahead
     * would see every lease of the one behind as expired a day early.
     */
    @Test
    void leasesAreTheSameInstantForClientsInEveryTimeZone() throws Exception {
        String url = "jdbc:h2:mem:zones" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        ResultsStore east = new ResultsStore(new Database(url + ";TIME ZONE=Pacific/Kiritimati", "", ""));
        ResultsStore west = new ResultsStore(new Database(url + ";TIME ZONE=Etc/GMT+12", "", ""));
        east.ensureSchema();
        String run = "baseline/none/50/class#0";
        assertTrue(west.claims().claim(1, run, "pod-west", 1, 30).isPresent());
        assertEquals(Optional.empty(), east.claims().claim(1, run, "pod-east", 2, 30), "west's lease is live");
        assertTrue(east.claims().claim(1, "baseline/none/50/class#1", "pod-east", 2, 1).isPresent());
        assertEquals(Optional.empty(), west.claims().claim(1, "baseline/none/50/class#1", "pod-west", 1, 1),
                "east's lease is live");
        Thread.sleep(1500);
        assertTrue(west.claims().claim(1, "baseline/none/50/class#1", "pod-west", 1, 30).isPresent(),
                "east's lease expired");
    }
}
