package io.gradreg.cli;

import io.gradreg.batch.ExperimentIds;
import io.gradreg.batch.JobLauncher;
import io.gradreg.batch.Workspace;
import io.gradreg.results.RunsFile;
import io.gradreg.transfer.RunsTransfer;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write the finished runs of an experiment (evaluated or failed) to a file that 'gradreg import' "
            + "reads into another store: key, configuration, seed, subset checksum, test accuracy and loss, final "
            + "training loss and penalty, minibatches, training seconds, and the gradreg build that trained each run, "
            + "with the job file and parameters that planned them.",
            "Unfinished runs are left out; export again when they finish."})
class ExportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "EXECUTION", arity = "0..1", description = "job execution id (any shard's, for a sharded experiment)")
    Long execution;

    @Option(names = "--experiment", paramLabel = "ID", description = "an experiment id ('gradreg status' lists them)")
    String experiment;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "where to write (default: <work dir>/exports/<experiment id>.runs.json)")
    Path output;

    @Inject
    JobLauncher launcher;

    @Inject
    ExperimentIds experimentIds;

    @Inject
    Workspace workspace;

    @Inject
    RunsTransfer transfer;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        workspace.database().check();
        RunsFile file = transfer.export(instance());
        Path target = output != null ? output
                : workspace.workDir().resolve("exports").resolve(file.experimentId() + ".runs.json");
        try {
            file.write(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        long evaluated = file.runs().stream().filter(r -> r.status().equals("EVALUATED")).count();
        spec.commandLine().getOut().printf("exported %d finished runs (%d evaluated, %d failed) of experiment '%s' to %s%n",
                file.runs().size(), evaluated, file.runs().size() - evaluated, file.experimentId(), target);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private long instance() {
        return ExperimentSelector.resultsInstance(execution, experiment, workspace, launcher, experimentIds);
    }
}
