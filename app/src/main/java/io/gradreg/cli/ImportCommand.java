package io.gradreg.cli;

import io.gradreg.batch.Workspace;
import io.gradreg.results.RunsFile;
import io.gradreg.transfer.RunsTransfer;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Read runs files written by 'gradreg export' (on this machine or another) into this store, "
            + "under their experiment id: shards trained in stores that never shared a database combine into one "
            + "report ('gradreg report --experiment ID').",
            "Importing a file again changes nothing. A file is refused as a whole, and nothing is written, when a "
            + "field is missing, unknown, repeated or impossible (a NaN, a negative count, a control character), when "
            + "its experiment id or job would be refused by 'gradreg run', when the experiment stored under its id was "
            + "planned by another job or parameters, when a run conflicts with one stored under that id, when its "
            + "training subset is not the one this gradreg draws for its size and seed, or when its job does not plan "
            + "it."})
class ImportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "runs files (*.runs.json)")
    List<Path> files;

    @Inject
    Workspace workspace;

    @Inject
    RunsTransfer transfer;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        workspace.database().check();
        List<RunsFile> read = files.stream().map(RunsFile::read).toList(); // all files checked before any is imported
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < read.size(); i++) {
            RunsTransfer.Imported r = transfer.importRuns(read.get(i), files.get(i).toString());
            out.printf("%s: %d runs of experiment '%s' (job instance %d%s): %d recorded, %d already present%s; "
                    + "%d of %d planned runs finished%n", files.get(i), r.runs(), r.experimentId(), r.resultsInstance(),
                    r.newExperiment() ? ", new" : "", r.recorded(), r.alreadyPresent(),
                    r.differing() > 0 ? " (" + r.differing() + " with another accuracy: kept the stored one)" : "",
                    finished(r), r.planned());
            if (r.localJobDiffers() != null) {
                out.printf("  note: %s differs from the job file the runs were planned with (the file's own copy "
                        + "is what is recorded)%n", r.localJobDiffers());
            }
        }
        out.printf("report: gradreg report --experiment %s%n", read.get(read.size() - 1).experimentId());
        out.flush();
        return 0;
    }

    private int finished(RunsTransfer.Imported r) {
        return (int) workspace.store().runs().of(r.resultsInstance()).stream().filter(x -> x.status().finished()).count();
    }
}
