package io.gradreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.batch.runtime.BatchStatus;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExitCodeTest {

    @Test
    void anExecutionThatEndedUnfinishedExits3NotTheDeterministicFailureCode() {
        for (BatchStatus s : Set.of(BatchStatus.FAILED, BatchStatus.STOPPED, BatchStatus.ABANDONED)) {
            assertEquals(ExitCode.UNFINISHED, ExitCode.ofJob(s, 0), s.toString());
            // unfinished wins: a restart continues the execution, whatever already failed in it
            assertEquals(ExitCode.UNFINISHED, ExitCode.ofJob(s, 2), s.toString());
        }
        assertEquals(3, ExitCode.UNFINISHED.code());
    }

    @Test
    void aCompletedExecutionExits1OnlyWhenOneOfItsRunsFailed() {
        assertEquals(ExitCode.OK, ExitCode.ofJob(BatchStatus.COMPLETED, 0));
        assertEquals(ExitCode.RUN_FAILED, ExitCode.ofJob(BatchStatus.COMPLETED, 1));
        assertEquals(1, ExitCode.RUN_FAILED.code());
    }

    @Test
    void everyOutcomeHasItsOwnCodeAndNoneClashesWithASignal() {
        Set<Integer> codes = Arrays.stream(ExitCode.values()).map(ExitCode::code).collect(Collectors.toSet());
        assertEquals(ExitCode.values().length, codes.size(), "distinct codes");
        assertEquals(Set.of(0, 1, 2, 3, 70, 75), codes);
        codes.forEach(c -> assertEquals(true, c < 128, c + " would read as 128 + a signal"));
    }
}
