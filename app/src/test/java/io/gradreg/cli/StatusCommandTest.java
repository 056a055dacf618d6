package io.gradreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** gradreg status N shows a run as it is now, not as its stopped or killed process left it. */
class StatusCommandTest {

    private static RunRecord run(String key, RunStatus status) {
        return new RunRecord(1, key, "e", "baseline", "none", 0, "50/class", 0, 1, 100, status, 40, null, null, null,
                null, null, null, 1L, null, null);
    }

    @Test
    void aTrainingRunNoProcessTrainsIsStopped() {
        assertEquals("STOPPED", StatusCommand.shownStatus(run("a", RunStatus.TRAINING), Set.of()));
        assertEquals("STOPPED", StatusCommand.shownStatus(run("a", RunStatus.TRAINING), Set.of("b")));
        assertEquals("TRAINING", StatusCommand.shownStatus(run("a", RunStatus.TRAINING), Set.of("a")));
        for (RunStatus other : new RunStatus[] {RunStatus.PLANNED, RunStatus.TRAINED, RunStatus.EVALUATED,
            RunStatus.FAILED}) {
            assertEquals(other.name(), StatusCommand.shownStatus(run("a", other), Set.of()));
        }
    }
}
