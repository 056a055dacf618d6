package io.gradreg.cli;

import io.gradreg.batch.JobLauncher;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a job: sample, train (partitioned over configurations and runs), evaluate, report.",
            "Example: gradreg run c6-jacobian-norms -p runs=3 -p threads=2"})
class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "JOB", description = "a job name in the jobs directory (see 'gradreg jobs') or a path to a job XML file")
    String job;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE",
            description = "job parameter overriding the job's property of that name (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    @Inject
    JobLauncher launcher;

    @Inject
    JobWatcher watcher;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Properties parameters = new Properties();
        params.forEach(parameters::setProperty);
        JobLauncher.Started started = launcher.start(job, parameters);
        return watcher.follow(started, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
