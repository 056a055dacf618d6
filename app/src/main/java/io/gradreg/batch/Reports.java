package io.gradreg.batch;

import io.gradreg.regularizer.WeightConvention;
import io.gradreg.report.ExpectedResults;
import io.gradreg.report.Report;
import io.gradreg.store.ResultsStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Builds the report of a job instance from the results store and the paper's numbers next to the job. */
@ApplicationScoped
public class Reports {

    @Inject
    Services services;

    public Report build(long instanceId) {
        ResultsStore store = services.store();
        ExpectedResults expected = ExpectedResults.none();
        Map<String, Map<String, String>> parameters = Map.of();
        WeightConvention convention = WeightConvention.MEAN;
        Map<String, Double> jobWeights = new HashMap<>();
        var source = store.job(instanceId);
        if (source.isPresent()) {
            JobFiles.LoadedJob job = JobFiles.parse(source.get().xml(), source.get().source());
            Map<String, String> merged = ExperimentSpec.merged(job.properties(), source.get().parameters());
            parameters = ExperimentSpec.parametersByRegularizer(merged);
            ExperimentSpec spec = ExperimentSpec.parse(job.properties(), source.get().parameters(), services.regularizers());
            convention = spec.weightConvention();
            spec.runs().forEach(run -> jobWeights.put(run.key(), run.jobWeight()));
            String file = merged.get("expected");
            if (file != null && !file.isBlank()) {
                Path base = Path.of(source.get().source()).toAbsolutePath().getParent();
                Path path = base == null ? Path.of(file) : base.resolve(file);
                if (Files.isRegularFile(path)) {
                    expected = ExpectedResults.read(path);
                }
            }
        }
        return Report.of(instanceId, store.runs(instanceId), expected, convention, jobWeights)
                .withRegularizerParameters(parameters);
    }

    public Path directory(String experiment, long instanceId) {
        return services.workDir().resolve("reports").resolve(experiment + "-" + instanceId);
    }
}
