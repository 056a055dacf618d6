package io.gradreg.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Training curves are written only with a run's checkpoint or end, each minibatch once. */
class CurvesTest {

    private static final String RUN = "baseline/none/50/class#0";
    private ResultsStore store;
    private Claim claim;

    @BeforeEach
    void createStore() {
        store = new ResultsStore(new Database("jdbc:h2:mem:curves" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", ""));
        store.ensureSchema();
        store.runs().plan(new RunRecord(1, RUN, "e", "baseline", "none", 0, "50/class", 0, 1, 100,
                RunStatus.PLANNED, 0, null, null, null, null, null, null, 1L, null, null), 0);
        claim = store.claims().claim(1, RUN, "pod-a", 10, 60).orElseThrow();
    }

    private static CurvePoint point(int minibatch) {
        return new CurvePoint(minibatch, 2.0 / minibatch, 0.5 / minibatch, 0.001);
    }

    private List<Integer> minibatches() {
        return store.curves().of(1, RUN).stream().map(CurvePoint::minibatch).toList();
    }

    @Test
    void aRepeatedTransactionLeavesEachMinibatchOnce() {
        store.runs().saveCheckpoint(claim, 20, new byte[] {1}, List.of(point(10), point(20)));
        // the same transaction again (an outage retried after the commit reached the database)
        store.runs().saveCheckpoint(claim, 20, new byte[] {1}, List.of(point(10), point(20)));
        store.runs().saveCheckpoint(claim, 40, new byte[] {2}, List.of(point(30), point(40)));
        store.runs().markTrained(claim, 50, new byte[] {3}, 0.1, 0, 1, "test", List.of(point(50)));
        assertEquals(List.of(10, 20, 30, 40, 50), minibatches());
        assertEquals(Map.of(RUN, store.curves().of(1, RUN)), store.curves().of(1));
        assertEquals(point(30), store.curves().of(1, RUN).get(2));
        assertThrows(IllegalArgumentException.class, () -> store.runs().saveCheckpoint(claim, 60, new byte[] {4},
                List.of(point(60), point(55))), "points out of order");
        assertEquals(List.of(10, 20, 30, 40, 50), minibatches(), "nothing of the refused transaction is written");
    }

    @Test
    void aDiscardedCheckpointTakesTheCurveWithIt() {
        store.runs().saveCheckpoint(claim, 20, new byte[] {1}, List.of(point(10), point(20)));
        store.runs().discardCheckpoint(claim, "damaged");
        assertEquals(List.of(), minibatches());
    }

    @Test
    void aLostClaimWritesNoPoint() {
        store.claims().release(claim);
        Claim other = store.claims().claim(1, RUN, "pod-b", 11, 60).orElseThrow();
        assertThrows(ClaimLostException.class, () -> store.runs().saveCheckpoint(claim, 20, new byte[] {1},
                List.of(point(10))));
        assertThrows(ClaimLostException.class, () -> store.runs().markFailed(claim, "diverged", List.of(point(10))));
        assertEquals(List.of(), minibatches());
        store.runs().markFailed(other, "diverged at minibatch 31", List.of(point(10), point(20), point(30)));
        assertEquals(List.of(10, 20, 30), minibatches(), "a failed run keeps its curve up to the failure");
    }

    @Test
    void importedRunsBringTheirCurves() {
        RunRecord done = new RunRecord(1, RUN, "e", "baseline", "none", 0, "50/class", 0, 1, 100, RunStatus.EVALUATED,
                100, 0.9, 0.3, 0.1, 0.0, 5.0, null, null, null, "0.1.0 abc");
        store.runs().saveCheckpoint(claim, 20, new byte[] {1}, List.of(point(10), point(20)));
        assertEquals(1, store.runs().recordImported(1, List.of(done), Map.of(RUN, List.of(point(50), point(100)))));
        assertEquals(List.of(50, 100), minibatches(), "the imported curve replaces the partial one");
    }
}
