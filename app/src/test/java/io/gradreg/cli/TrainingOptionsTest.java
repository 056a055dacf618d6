package io.gradreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.regularizer.Regularizers;
import io.gradreg.training.TrainingConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** One name per setting: the canonical option names, and the old ones that still work and warn. */
class TrainingOptionsTest {

    private static TrainingOptions parse(String... args) {
        TrainCommand command = new TrainCommand();
        new CommandLine(command).parseArgs(args);
        return command.training;
    }

    @Test
    void regularizerParametersHaveOneNameAndTheOldOneWarns() {
        Regularizers regularizers = Regularizers.builtIn();
        TrainingOptions canonical = parse("-r", "spectreg", "--regularizer-param", "projections=2");
        TrainingOptions shortName = parse("-r", "spectreg", "-P", "projections=2");
        TrainingOptions old = parse("-r", "spectreg", "--param", "projections=2");
        TrainingConfig expected = canonical.toConfig(regularizers);
        assertEquals(Map.of("projections", "2"), expected.regularizerParameters());
        assertEquals(expected, shortName.toConfig(regularizers));
        assertEquals(expected, old.toConfig(regularizers));
        assertEquals(List.of(), canonical.warnings());
        assertEquals(List.of(), shortName.warnings());
        assertEquals(1, old.warnings().size());
        assertTrue(old.warnings().get(0).contains("'--regularizer-param'"), old.warnings().get(0));
    }

    @Test
    void theLearningRateHasOneNameAndItsOldAliasGivesTheSameConfig() {
        Regularizers regularizers = Regularizers.builtIn();
        assertEquals(parse("--learning-rate", "0.003").toConfig(regularizers),
                parse("--lr", "0.003").toConfig(regularizers));
        assertEquals(0.003, parse("--learning-rate", "0.003").toConfig(regularizers).learningRate());
    }

    @Test
    void defaultsAreTheConfigurationBuildersOwn() {
        assertEquals(TrainingConfig.builder().build(), parse().toConfig(Regularizers.builtIn()));
    }
}
