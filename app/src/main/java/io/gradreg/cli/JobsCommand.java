package io.gradreg.cli;

import io.gradreg.batch.JobFiles;
import io.gradreg.batch.JobLauncher;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List the jobs in the jobs directory with their description.")
class JobsCommand implements Callable<Integer> {

    @Inject
    JobLauncher launcher;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JobFiles files = launcher.jobFiles();
        if (files.names().isEmpty()) {
            throw new IllegalArgumentException("no jobs to list: " + files.noJobs());
        }
        for (String name : files.names()) {
            String description;
            try {
                description = files.load(name).description();
            } catch (IllegalArgumentException e) {
                description = "(invalid: " + e.getMessage() + ")";
            }
            out.printf("%-24s %s%n", name, description);
        }
        out.flush();
        return 0;
    }
}
