package io.gradreg.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

@TopCommand
@Command(name = "gradreg", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Gradient-regularized training of LeNet-5 on MNIST (Varga, Csiszárik and Zombori, 2017).",
        subcommands = {RunCommand.class, JobsCommand.class, StatusCommand.class, RestartCommand.class, ReportCommand.class,
            TrainCommand.class, BenchCommand.class, RegularizersCommand.class, ExportCommand.class,
            ImportCommand.class, NewPluginCommand.class})
public class GradregCommand {
}
