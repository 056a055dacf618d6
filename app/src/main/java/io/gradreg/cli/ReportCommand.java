package io.gradreg.cli;

import io.gradreg.batch.JobLauncher;
import io.gradreg.batch.Reports;
import io.gradreg.batch.Services;
import io.gradreg.report.Report;
import io.gradreg.report.ReportWriter;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Print the report of a job execution's experiment (all runs of its job instance so far).")
class ReportCommand implements Callable<Integer> {

    enum Format { md, csv, json }

    @Parameters(paramLabel = "EXECUTION", description = "job execution id")
    long execution;

    @Option(names = {"-f", "--format"}, defaultValue = "md", description = "md, csv or json (default: ${DEFAULT-VALUE})")
    Format format;

    @Inject
    JobLauncher launcher;

    @Inject
    Services services;

    @Inject
    Reports reports;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        services.database().check();
        services.store();
        long instance;
        try {
            instance = launcher.operator().getJobInstance(execution).getInstanceId();
        } catch (NoSuchJobExecutionException e) {
            throw new IllegalArgumentException("no job execution " + execution + "; run 'gradreg status' to list them");
        }
        Report report = reports.build(instance);
        PrintWriter out = spec.commandLine().getOut();
        out.print(switch (format) {
            case md -> ReportWriter.markdown(report);
            case csv -> ReportWriter.csv(report);
            case json -> ReportWriter.json(report);
        });
        out.flush();
        if (!report.missing().isEmpty()) {
            spec.commandLine().getErr().printf("gradreg: %d of %d runs are not finished%n", report.missing().size(),
                    report.runs().size());
            return CommandLineSetup.EXIT_FAILED;
        }
        return 0;
    }
}
