package io.gradreg.batch;

import io.gradreg.hash.Sha256;
import io.gradreg.model.Architecture;
import io.gradreg.model.BatchNormSettings;
import io.gradreg.plan.JobProperties;
import io.gradreg.plan.Plan;
import io.gradreg.plan.PlanSettings;
import io.gradreg.plan.RunSpec;
import io.gradreg.plan.SweepSettings;
import io.gradreg.report.SweepSection;
import io.gradreg.regularizer.WeightConvention;
import io.gradreg.report.Provenance;
import io.gradreg.report.Report;
import io.gradreg.results.BuildInfo;
import io.gradreg.store.JobSources;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import io.gradreg.store.ResultsStore;
import io.gradreg.training.TrainingConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the report of a job instance from the store (its runs and its stored plan) and the
 * paper's numbers in the files beside the job.
 */
@ApplicationScoped
public class ReportAssembler {

    @Inject
    Workspace workspace;

    @Inject
    PlanStore plans;

    public Report build(long instanceId) {
        ResultsStore store = workspace.store();
        ReferenceFiles references = ReferenceFiles.none();
        Map<String, Map<String, String>> parameters = Map.of();
        WeightConvention convention = WeightConvention.MEAN;
        Map<String, Double> jobWeights = new HashMap<>();
        Map<String, Double> fileWeights = new HashMap<>();
        String batchNorm = null;
        SweepSettings sweep = null;
        var source = store.jobs().get(instanceId);
        if (source.isPresent()) {
            Plan plan = plans.ofJob(source.get());
            PlanSettings settings = plan.settings();
            parameters = settings.regularizerParameters();
            convention = settings.convention();
            plan.runs().forEach(run -> jobWeights.put(run.key(), run.jobWeight()));
            Properties own = JobFiles.parse(source.get().xml(), source.get().source()).properties();
            plan.runs().forEach(run -> JobProperties.overriddenWeight(own, source.get().parameters(), run)
                    .ifPresent(w -> fileWeights.put(run.key(), w)));
            batchNorm = plan.runs().stream().map(RunSpec::config).filter(c -> c.architecture() == Architecture.BATCHNORM)
                    .map(TrainingConfig::batchNorm).filter(b -> !b.equals(BatchNormSettings.DEFAULT))
                    .map(BatchNormSettings::properties).findFirst().orElse(null);
            references = ReferenceFiles.readStored(source.get().source(), settings);
            sweep = settings.sweep();
        }
        Report report = Report.of(instanceId, store.runs().of(instanceId), references.expected(), references.observed(), convention,
                jobWeights, fileWeights).withRegularizerParameters(parameters).withClaims(references.claims())
                .withCurves(store.curves().of(instanceId)).withMeasures(store.measures().of(instanceId))
                .withProvenance(provenance(source.orElse(null))).withBatchNorm(batchNorm);
        if (sweep != null) {
            report = report.withSweep(SweepSection.of(sweep.rule(), sweep.validationImages(), report.runs(),
                    store.validations().of(instanceId), store.validations().selections(instanceId), sweep.reference()));
        }
        return report;
    }

    /** The report's footer: this build, the job as started, the kind of database (no URL: it may hold credentials). */
    private Provenance provenance(JobSources.JobSource source) {
        String database = workspace.database().isPostgres() ? "PostgreSQL" : "H2";
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        if (source == null) {
            return new Provenance(BuildInfo.current().describe(), null, null, null, database, null, now);
        }
        Path file = Path.of(source.source()).getFileName();
        return new Provenance(BuildInfo.current().describe(), source.jobName(), file == null ? null : file.toString(),
                Sha256.hex(source.xml()), database,
                source.createdAt() == null ? null : source.createdAt().truncatedTo(ChronoUnit.SECONDS), now);
    }

    public Path directory(String experiment, long instanceId) {
        return workspace.workDir().resolve("reports").resolve(experiment + "-" + instanceId);
    }
}
