package io.gradreg.batch;

import io.gradreg.regularizer.WeightConvention;
import io.gradreg.report.Claims;
import io.gradreg.report.ExpectedResults;
import io.gradreg.report.Report;
import io.gradreg.store.ResultsStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Builds the report of a job instance from the results store and the paper's numbers next to the job. */
@ApplicationScoped
public class Reports {

    @Inject
    Services services;

    public Report build(long instanceId) {
        ResultsStore store = services.store();
        ExpectedResults expected = ExpectedResults.none();
        ExpectedResults observed = ExpectedResults.none();
        Claims claims = Claims.none();
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
            Path base = Path.of(source.get().source()).toAbsolutePath().getParent();
            Optional<Path> file = besideTheJob(base, merged.get("expected"));
            if (file.isPresent()) {
                expected = ExpectedResults.read(file.get());
            }
            file = besideTheJob(base, merged.get("observed"));
            if (file.isPresent()) {
                observed = ExpectedResults.read(file.get());
            }
            // the claims file: job property 'claims', by default <job file name>.claims beside the job
            Path jobFile = Path.of(source.get().source()).getFileName();
            String defaultClaims = jobFile == null ? null : jobFile.toString().replaceFirst("\\.xml$", "") + ".claims";
            file = besideTheJob(base, merged.getOrDefault("claims", defaultClaims));
            if (file.isPresent()) {
                claims = Claims.read(file.get());
            }
        }
        return Report.of(instanceId, store.runs(instanceId), expected, observed, convention, jobWeights)
                .withRegularizerParameters(parameters).withClaims(claims);
    }

    /** A file a job property names, relative to the job file, if it exists. */
    private static Optional<Path> besideTheJob(Path jobDir, String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        Path path = jobDir == null ? Path.of(name) : jobDir.resolve(name);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    public Path directory(String experiment, long instanceId) {
        return services.workDir().resolve("reports").resolve(experiment + "-" + instanceId);
    }
}
