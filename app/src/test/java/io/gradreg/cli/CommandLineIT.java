package io.gradreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packaged application, run as a user runs it. */
@QuarkusMainIntegrationTest
class CommandLineIT {

    @Test
    @Launch("regularizers")
    void regularizersListsEveryBuiltInWithItsOrigin(LaunchResult result) {
        String out = result.getOutput();
        assertTrue(out.lines().findFirst().orElse("").matches("NAME +ORIGIN +DESCRIPTION"), out);
        for (String name : new String[] {"none", "doubleback", "jacreg", "frobreg", "spectreg", "cp"}) {
            assertTrue(out.lines().anyMatch(l -> l.matches(name + " +built-in +\\S.*")), out);
        }
    }

    @Test
    @Launch({"train", "--help"})
    void trainHelpShowsTheOptions(LaunchResult result) {
        String out = result.getOutput();
        for (String option : new String[] {"--architecture", "--regularizer", "--weight", "--train-size",
            "--minibatches", "--batch-size", "--lr", "--lr-decay-at", "--weight-decay", "--seed", "--data-dir"}) {
            assertTrue(out.contains(option), option + " missing from\n" + out);
        }
        // named as the job properties are, with TrainingConfig.Builder's defaults
        String text = out.replaceAll("\\s+", " ");
        assertTrue(text.contains("--lr, --learning-rate=<learningRate> initial Adam learning rate; --lr is its old name "
                + "(default: 0.001)"), out);
        assertTrue(text.contains("minibatches to train (default: 10000)"), out);
        assertTrue(text.contains("(default: 0.5,0.75)"), out);
    }

    @Test
    @Launch({"bench", "--help"})
    void benchHelp(LaunchResult result) {
        assertTrue(result.getOutput().contains("--memory-minibatches"), result.getOutput());
    }

    @Test
    @Launch({"train", "-a", "dropout", "-r", "spectreg", "-w", "0.01", "-n", "20/class", "-m", "40", "-s", "5"})
    void trainPrintsTestAccuracy(LaunchResult result) {
        String out = result.getOutput();
        assertTrue(out.contains("architecture=dropout regularizer=spectreg weight=0.01 (mean convention; 0.01 in mean "
                + "units) train-size=20/class minibatches=40 seed=5"), out);
        assertTrue(out.matches("(?s).*test accuracy \\d+\\.\\d\\d% .*"), out);
        assertTrue(result.getErrorOutput().contains("minibatch 40/40 (100%)"), result.getErrorOutput());
    }

    @Test
    @Launch({"train", "-r", "doubleback", "-w", "50", "--weight-convention", "paper", "-n", "5/class", "-m", "2"})
    void trainConvertsAPaperWeight(LaunchResult result) {
        assertTrue(result.getOutput().contains("regularizer=doubleback weight=50.0 (paper convention; 1.0 in mean units)"),
                result.getOutput());
    }

    @Test
    @Launch(value = {"train", "--data-dir", "no/such/dir", "-m", "1"}, exitCode = 2)
    void missingDataIsOneLineNamingTheFile(LaunchResult result) {
        String err = result.getErrorOutput();
        assertTrue(err.contains("gradreg: MNIST file missing: expected no/such/dir/train-images-idx3-ubyte.gz"), err);
        assertFalse(err.contains("\tat "), "no stack trace:\n" + err);
    }

    @Test
    @Launch(value = {"train", "-r", "spectral", "-m", "1"}, exitCode = 2)
    void unknownRegularizerListsTheKnownOnes(LaunchResult result) {
        assertEquals("gradreg: unknown regularizer 'spectral'; known: cp, doubleback, frobreg, jacreg, none, spectreg",
                lastLine(result));
    }

    @Test
    @Launch(value = {"train", "-a", "resnet", "-m", "1"}, exitCode = 2)
    void unknownArchitectureIsRefused(LaunchResult result) {
        assertEquals("gradreg: unknown architecture 'resnet'; expected one of baseline, dropout, batchnorm",
                lastLine(result));
    }

    /** The one error line (the test harness adds Quarkus start and stop log lines around it). */
    private static String lastLine(LaunchResult result) {
        assertFalse(result.getErrorOutput().contains("\tat "), "no stack trace:\n" + result.getErrorOutput());
        List<String> lines = result.getErrorStream().stream().filter(l -> l.startsWith("gradreg: ")).toList();
        assertEquals(1, lines.size(), result.getErrorOutput());
        return lines.get(0).strip();
    }
}
