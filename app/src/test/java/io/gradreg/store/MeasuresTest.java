package io.gradreg.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Robustness measures are stored with the test accuracy, once per run, and come back by run key. */
class MeasuresTest {

    private static final String RUN = "baseline/none/50/class#0";
    private ResultsStore store;
    private Claim claim;

    @BeforeEach
    void createStore() {
        store = new ResultsStore(new Database("jdbc:h2:mem:measures" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", ""));
        store.ensureSchema();
        store.ensureSchema(); // idempotent, as on every start
        store.runs().plan(new RunRecord(1, RUN, "e", "baseline", "none", 0, "50/class", 0, 1, 100,
                RunStatus.PLANNED, 0, null, null, null, null, null, null, 1L, null, null), 0);
        claim = store.claims().claim(1, RUN, "pod-a", 10, 60).orElseThrow();
        store.runs().markTrained(claim, 100, new byte[] {1}, 0.1, 0, 1, "test", List.of());
    }

    @Test
    void measuresAreWrittenWithTheAccuracyAndOnlyOnce() {
        Map<String, Double> measures = Map.of("fgsm@0.1", 0.5, "gradnorm", 1.25, "robustness-seconds", 3.0);
        store.runs().markEvaluated(1, RUN, 0.9, 0.3, measures);
        assertEquals(Map.of(RUN, measures), store.measures().of(1));
        assertEquals(RunStatus.EVALUATED, store.runs().get(1, RUN).orElseThrow().status());
        // a second evaluation (a duplicate shard) of a run no longer TRAINED records nothing
        store.runs().markEvaluated(1, RUN, 0.1, 9, Map.of("fgsm@0.1", 0.0));
        assertEquals(Map.of(RUN, measures), store.measures().of(1));
        assertEquals(0.9, store.runs().get(1, RUN).orElseThrow().testAccuracy());
        assertEquals(Map.of(), store.measures().of(2));
    }

    @Test
    void aRunEvaluatedWithoutMeasuresHasNoneAndNonFiniteValuesAreLeftOut() {
        store.runs().markEvaluated(1, RUN, 0.9, 0.3, Map.of("gradnorm", Double.NaN, "jacobian", 2.0));
        assertEquals(Map.of(RUN, Map.of("jacobian", 2.0)), store.measures().of(1));
    }

    @Test
    void importedRunsKeepTheirMeasures() {
        RunRecord finished = new RunRecord(1, RUN, "e", "baseline", "none", 0, "50/class", 0, 1, 100,
                RunStatus.EVALUATED, 100, 0.9, 0.3, 0.1, 0.0, 1.0, null, 1L, null, "elsewhere");
        store.runs().recordImported(1, List.of(finished), Map.of(), Map.of(RUN, Map.of("pgd@0.1", 0.25)));
        assertEquals(Map.of(RUN, Map.of("pgd@0.1", 0.25)), store.measures().of(1));
    }
}
