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
        assertEquals(4, ExitCode.UNFINISHED.code());
    }

    @Test
    void aCompletedExecutionExits1OnlyWhenOneOfItsRunsFailed() {
        assertEquals(ExitCode.OK, ExitCode.ofJob(BatchStatus.COMPLETED, 0));
        assertEquals(ExitCode.RUN_FAILED, ExitCode.ofJob(BatchStatus.COMPLETED, 1));
        assertEquals(1, ExitCode.RUN_FAILED.code());
    }

    @Test
    void withFailedRunsRecordedAShareWhoseRunsAllFinishedExits0() {
        assertEquals(ExitCode.OK, ExitCode.ofJob(BatchStatus.COMPLETED, 3, ExitCode.FailedRuns.RECORD));
        assertEquals(ExitCode.RUN_FAILED, ExitCode.ofJob(BatchStatus.COMPLETED, 3, ExitCode.FailedRuns.FAIL));
        // recording failed runs never hides an unfinished execution
        assertEquals(ExitCode.UNFINISHED, ExitCode.ofJob(BatchStatus.FAILED, 3, ExitCode.FailedRuns.RECORD));
        assertEquals(ExitCode.FailedRuns.RECORD, ExitCode.FailedRuns.parse("record"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ExitCode.FailedRuns.parse("ignore"));
        assertEquals("gradreg.failed-runs (GRADREG_FAILED_RUNS) is 'ignore'; it is 'fail' (exit 1 when a run failed) "
                + "or 'record' (exit 0, the report lists it)", e.getMessage());
    }

    @Test
    void outOfMemoryHasTheCodeOfTheJvmsExitOnOutOfMemoryError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // -XX:+ExitOnOutOfMemoryError (Dockerfile.jvm and bin/gradreg) ends the JVM on the first heap
        // exhaustion, in any thread, with an exit code of its own choosing: this one
        java.nio.file.Path source = dir.resolve("Fill.java");
        java.nio.file.Files.writeString(source, "public class Fill { public static void main(String[] a) {"
                + " var l = new java.util.ArrayList<long[]>(); while (true) l.add(new long[1 << 20]); } }");
        Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+ExitOnOutOfMemoryError", "-Xmx32m", source.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(true, p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), out);
        assertEquals(ExitCode.OUT_OF_MEMORY.code(), p.exitValue(), out);
        assertEquals(true, out.contains("Terminating due to java.lang.OutOfMemoryError: Java heap space"), out);
        assertEquals(true, java.nio.file.Files.readString(java.nio.file.Path.of("bin/gradreg"))
                .contains("java\" -XX:+ExitOnOutOfMemoryError"), "bin/gradreg sets the flag");
        assertEquals(true, java.nio.file.Files.readString(java.nio.file.Path.of("deploy/docker/Dockerfile.jvm"))
                .contains("-XX:+ExitOnOutOfMemoryError"), "the image sets the flag");
    }

    @Test
    void everyOutcomeHasItsOwnCodeAndNoneClashesWithASignal() {
        Set<Integer> codes = Arrays.stream(ExitCode.values()).map(ExitCode::code).collect(Collectors.toSet());
        assertEquals(ExitCode.values().length, codes.size(), "distinct codes");
        assertEquals(Set.of(0, 1, 2, 3, 4, 70, 74, 75, 77), codes);
        codes.forEach(c -> assertEquals(true, c < 128, c + " would read as 128 + a signal"));
    }
}
