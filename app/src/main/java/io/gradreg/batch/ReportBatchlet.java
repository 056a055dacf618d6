package io.gradreg.batch;

import io.gradreg.plan.PlanSettings;
import io.gradreg.report.Report;
import io.gradreg.report.ReportWriter;
import io.gradreg.store.RunStatus;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import io.quarkus.arc.Unremovable;

/**
 * Step "report": writes the experiment's tables as Markdown, CSV and JSON (and an SVG chart when
 * there are several training sizes) under {@code <work dir>/reports/<experiment>-<instance>/}.
 * The job's exit status says how many runs failed.
 */
@Named
@Unremovable
@Dependent
public class ReportBatchlet extends AbstractBatchlet {

    @Inject
    JobContext jobContext;

    @Inject
    JobOperator operator;

    @Inject
    Workspace workspace;

    @Inject
    ReportAssembler reports;

    @Inject
    PlanStore plans;

    @Override
    public String process() throws Exception {
        PlanSettings settings = plans.settings(RunningJob.planId(jobContext, operator));
        long instance = RunningJob.resultsInstance(jobContext, operator, workspace);
        Report report = reports.build(instance);
        ReportWriter.writeAll(report, reports.directory(settings.experiment(), instance));
        long failed = report.runs().stream().filter(r -> r.status() == RunStatus.FAILED).count();
        if (failed > 0) {
            jobContext.setExitStatus("COMPLETED WITH " + failed + " FAILED RUN" + (failed == 1 ? "" : "S"));
        }
        return "REPORTED";
    }
}
