package io.gradreg.cli;

import io.gradreg.batch.JobLauncher;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Continue a job execution that failed, was stopped, or whose process was killed, or that "
            + "completed with runs unfinished.",
            "Finished runs are not trained again; interrupted runs resume from their last checkpoint."})
class RestartCommand implements Callable<Integer> {

    @Parameters(paramLabel = "EXECUTION", description = "job execution id (see 'gradreg status')")
    long execution;

    @Inject
    JobLauncher launcher;

    @Inject
    JobWatcher watcher;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        watcher.failedRunsPolicy(); // a bad setting fails now (exit 2), not after training
        JobLauncher.Started started = launcher.restart(execution);
        started.warnings().forEach(spec.commandLine().getErr()::println);
        return watcher.follow(started, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
