package io.gradreg.cli;

import io.gradreg.batch.ExperimentIds;
import io.gradreg.batch.JobLauncher;
import io.gradreg.batch.ReportAssembler;
import io.gradreg.batch.Workspace;
import io.gradreg.report.Claims;
import io.gradreg.report.Comparison;
import io.gradreg.report.Report;
import io.gradreg.report.ReportWriter;
import jakarta.inject.Inject;
import io.gradreg.store.RunRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Print the report of a job execution's experiment (all runs of its job instance so far; for a "
            + "shard, of every shard of its experiment).",
            "Exit code 1, naming the missing runs, while some planned runs are not finished."})
class ReportCommand implements Callable<Integer> {

    enum Format { md, csv, json, html, svg }

    /** How many missing runs the error line names. */
    private static final int NAMED = 10;

    @Parameters(paramLabel = "EXECUTION", arity = "0..1", description = "job execution id (any shard's, for a sharded experiment)")
    Long execution;

    @Option(names = "--experiment", paramLabel = "ID", description = "an experiment id (its name, e.g. quickstart, when it is unique in the store; 'gradreg status' lists them)")
    String experiment;

    @Option(names = "--compare", arity = "2..*", paramLabel = "EXPERIMENT", description = "two or more experiments "
            + "in one table and one chart, each a job execution id or an experiment id (rows labelled by experiment: "
            + "'quickstart:baseline'); the claims of --claims, if given, are tested across them")
    List<String> compare;

    @Option(names = "--claims", paramLabel = "FILE", description = "with --compare: a claims file (docs/jobs.md, "
            + "\"Claims\") naming the compared cells, e.g. 'c6:dropout/spectreg > c2:dropout/spectreg'")
    Path claims;

    @Option(names = {"-f", "--format"}, defaultValue = "md", description = "md, csv or json: printed; html: written "
            + "to the report directory (<work dir>/reports/<experiment>-<instance>/report.html), its path printed; "
            + "svg: every chart of report.html as a stand-alone file there (accuracy.svg, curve-1.svg, ...), their paths "
            + "printed "
            + "(default: ${DEFAULT-VALUE})")
    Format format;

    @Inject
    JobLauncher launcher;

    @Inject
    ExperimentIds experimentIds;

    @Inject
    Workspace workspace;

    @Inject
    ReportAssembler reports;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        workspace.database().check();
        workspace.store();
        Report report;
        if (compare != null) {
            if (execution != null || experiment != null) {
                throw new IllegalArgumentException("give --compare A B ... or one experiment (an execution id or "
                        + "--experiment), not both");
            }
            List<Report> compared = new java.util.ArrayList<>();
            for (String item : compare) {
                compared.add(reports.build(item.matches("[0-9]+")
                        ? ExperimentSelector.resultsInstance(Long.parseLong(item), null, workspace, launcher, experimentIds)
                        : ExperimentSelector.resultsInstance(null, item, workspace, launcher, experimentIds)));
            }
            report = Comparison.of(compared, claims == null ? Claims.none() : Claims.read(claims));
        } else {
            if (claims != null) {
                throw new IllegalArgumentException("--claims goes with --compare (a job's own claims file is its "
                        + "'claims' property)");
            }
            report = reports.build(instance());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(switch (format) {
            case md -> ReportWriter.markdown(report);
            case csv -> ReportWriter.csv(report);
            case json -> ReportWriter.json(report);
            case html -> writeHtml(report) + "\n";
            case svg -> writeSvg(report);
        });
        out.flush();
        List<RunRecord> missing = report.missing();
        if (!missing.isEmpty()) {
            String named = missing.stream().limit(NAMED).map(RunRecord::runKey).collect(Collectors.joining(", "))
                    + (missing.size() > NAMED ? " and " + (missing.size() - NAMED) + " more" : "");
            spec.commandLine().getErr().printf("gradreg: %d of %d runs are not finished: %s%n", missing.size(),
                    report.runs().size(), named);
            return ExitCode.RUN_FAILED.code(); // 1: the report is incomplete (docs/deployment.md, "Sharding": "The report")
        }
        return 0;
    }

    /** Every chart as a stand-alone SVG file in the report directory; their paths, a line each. */
    private String writeSvg(Report report) {
        try {
            StringBuilder paths = new StringBuilder();
            for (Path p : ReportWriter.writeSvg(report, directory(report))) {
                paths.append(p).append('\n');
            }
            return paths.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the SVG charts: " + e.getMessage(), e);
        }
    }

    private Path writeHtml(Report report) {
        try {
            return ReportWriter.writeHtml(report, directory(report));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report.html: " + e.getMessage(), e);
        }
    }

    /** Where html and svg are written: the experiment's report directory, or a comparison's own. */
    private Path directory(Report report) {
        return compare != null ? workspace.workDir().resolve("reports").resolve("compare-" + String.join("-", compare))
                : reports.directory(report.experiment(), report.instanceId());
    }

    /** The job instance whose runs to report: the experiment's for a shard. */
    private long instance() {
        return ExperimentSelector.resultsInstance(execution, experiment, workspace, launcher, experimentIds);
    }
}
