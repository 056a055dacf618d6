package io.gradreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.model.BatchNormSettings;
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
    void theHelpShowsTheWeightConventionsDefault() {
        String help = new CommandLine(new TrainCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF)
                .replaceAll("\\s+", " ");
        assertTrue(help.contains("--weight-convention=mean|paper units of --weight: mean (gradreg's per-example "
                + "mean) or paper"), help);
        assertTrue(help.contains("docs/regularizers.md) (default: mean)"), help);
    }

    @Test
    void defaultsAreTheConfigurationBuildersOwn() {
        assertEquals(TrainingConfig.builder().build(), parse().toConfig(Regularizers.builtIn()));
    }

    @Test
    void batchNormOptionsMakeTheSettingsTheJobPropertiesOfTheSameNameMake() {
        Regularizers regularizers = Regularizers.builtIn();
        assertEquals(new BatchNormSettings(0.99, 1e-3, BatchNormSettings.Placement.AFTER_RELU,
                BatchNormSettings.Layers.CONV), parse("-a", "batchnorm", "--bn-momentum", "0.99", "--bn-epsilon", "1e-3",
                "--bn-placement", "after-relu", "--bn-layers", "conv").toConfig(regularizers).batchNorm());
        assertEquals(BatchNormSettings.DEFAULT, parse("-a", "batchnorm").toConfig(regularizers).batchNorm());
        assertEquals("batch-norm momentum must be in [0, 1), was 1.5", assertThrows(IllegalArgumentException.class,
                () -> parse("--bn-momentum", "1.5").toConfig(regularizers)).getMessage());
        assertEquals("unknown batch-norm layers 'dense'; expected one of all, conv", assertThrows(
                IllegalArgumentException.class, () -> parse("--bn-layers", "dense").toConfig(regularizers)).getMessage());
    }

    @Test
    void helpNamesEveryBatchNormOptionWithItsDefault() {
        String help = new CommandLine(new TrainCommand()).getUsageMessage();
        for (String line : List.of("--bn-momentum=M", "(default: 0.9)", "--bn-epsilon=EPS", "(default: 1.0E-5)",
                "--bn-placement=before-relu|after-relu", "(default: before-relu)", "--bn-layers=all|conv",
                "(default: all)")) {
            assertTrue(help.contains(line), line + " in\n" + help);
        }
    }
}
