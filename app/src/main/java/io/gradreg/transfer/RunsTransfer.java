package io.gradreg.transfer;

import io.gradreg.batch.JobFiles;
import io.gradreg.batch.ExperimentIds;
import io.gradreg.batch.JobLauncher;
import io.gradreg.batch.PlanStore;
import io.gradreg.batch.ReferenceFiles;
import io.gradreg.batch.Workspace;
import io.gradreg.hash.Sha256;
import io.gradreg.plan.ExperimentSpec;
import io.gradreg.plan.JobProperties;
import io.gradreg.plan.RunSpec;
import io.gradreg.plan.Sharding;
import io.gradreg.results.BuildInfo;
import io.gradreg.results.RunsFile;
import io.gradreg.store.CurvePoint;
import io.gradreg.store.Experiments;
import io.gradreg.store.JobSources;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.RunRecord;
import io.gradreg.store.Validations;
import io.gradreg.store.RunStatus;
import io.gradreg.store.Subsets;
import io.gradreg.training.TrainingConfig;
import io.gradreg.training.TrainingRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Moves an experiment's finished runs between stores that never shared a database: a shard run on
 * a laptop, one on a server and one on a cluster combine into one report.
 *
 * <p>Export writes the runs with the job that planned them. Import checks the file against this
 * gradreg before writing anything: the job must parse and plan every run in the file with the same
 * configuration; each run's training subset must be the one this gradreg draws for its size and
 * seed (same checksum); and a run already stored under the same experiment id must have the same
 * configuration. Then it plans the whole experiment (so the report names what is still missing, and
 * {@code gradreg run ... --experiment-id} can finish it) and records the runs, in one transaction.
 * Importing a file twice changes nothing.
 */
@ApplicationScoped
public class RunsTransfer {

    @Inject
    Workspace workspace;

    @Inject
    JobLauncher launcher;

    @Inject
    PlanStore plans;

    @Inject
    ExperimentIds experimentIds;

    /** The finished runs of the experiment recorded under {@code resultsInstance}. */
    public RunsFile export(long resultsInstance) {
        ResultsStore store = workspace.store();
        JobSources.JobSource source = store.jobs().get(resultsInstance).orElseThrow(() -> new IllegalArgumentException(
                "job instance " + resultsInstance + " was not started by 'gradreg run'; it has no runs to export"));
        Map<String, String> parameters = new TreeMap<>();
        source.parameters().stringPropertyNames().stream().filter(k -> !k.startsWith("gradreg."))
                .forEach(k -> parameters.put(k, source.parameters().getProperty(k)));
        Properties plain = new Properties();
        plain.putAll(parameters);
        String fingerprint = Sharding.fingerprint(source.xml(), plain);
        // a shard's (or an import's) experiment id, else the one derived for a job run without shards
        String experimentId = experimentIds.of(resultsInstance).orElseThrow();
        List<RunsFile.Run> runs = new ArrayList<>();
        String experiment = null;
        Map<String, String> checksums = new HashMap<>();
        Map<String, List<CurvePoint>> curves = store.curves().of(resultsInstance);
        Map<String, Validations.Validation> validations = new HashMap<>();
        store.validations().of(resultsInstance).forEach(v -> validations.put(v.runKey(), v));
        Map<String, Map<String, Double>> measures = store.measures().of(resultsInstance);
        for (RunRecord r : store.runs().of(resultsInstance)) {
            experiment = r.experiment();
            if (!r.status().finished()) {
                continue;
            }
            String checksum = checksums.computeIfAbsent(r.trainSize() + "@" + r.seed(), k -> store.subsets().checksum(
                    resultsInstance, r.trainSize(), r.seed()).orElseThrow(() -> new IllegalStateException(
                            "run " + r.runKey() + " has no recorded training subset")));
            runs.add(new RunsFile.Run(r.runKey(), r.architecture(), r.regularizer(), r.weight(), r.trainSize(),
                    r.runIndex(), r.seed(), checksum, r.minibatches(), r.minibatchesDone(), r.status().name(),
                    r.testAccuracy(), r.testLoss(), r.finalLoss(), r.finalPenalty(), r.trainSeconds(), r.message(),
                    r.trainedBy(), CurveColumns.toFile(curves.getOrDefault(r.runKey(), List.of())), measures.get(r.runKey()),
                    Optional.ofNullable(validations.get(r.runKey()))
                            .map(v -> new RunsFile.Validation(v.accuracy(), v.loss(), v.images())).orElse(null)));
        }
        List<RunsFile.Selection> selections = store.validations().selections(resultsInstance).stream()
                .map(x -> new RunsFile.Selection(x.group(), x.rule(), x.weight(), x.summary(), x.selectedAt().toString()))
                .toList();
        Path file = Path.of(source.source()).getFileName();
        RunsFile.Job job = new RunsFile.Job(source.jobName(), file == null ? source.jobName() + ".xml" : file.toString(),
                Sha256.hex(source.xml()), fingerprint, parameters, source.xml());
        return new RunsFile(RunsFile.FORMAT, RunsFile.VERSION, experimentId,
                experiment == null ? source.jobName() : experiment, job, BuildInfo.current().describe(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), runs, selections);
    }

    /** What an import did. */
    public record Imported(String experimentId, long resultsInstance, boolean newExperiment, int runs, int recorded,
            int alreadyPresent, int differing, int planned, String localJobDiffers) {
    }

    /**
     * Imports a checked runs file ({@link RunsFile#read}); see the class comment for what is
     * refused. Everything is checked before anything is written, and the store's tables are
     * written in one transaction.
     */
    public Imported importRuns(RunsFile file, String fileName) {
        ResultsStore store = workspace.store();
        Properties parameters = checkedParameters(file, fileName);
        JobFiles.LoadedJob job = JobFiles.parse(file.job().xml(), file.job().file());
        ExperimentSpec spec;
        try {
            spec = plans.parse(job.properties(), parameters);
            ReferenceFiles.checkNames(spec.settings());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(fileName + ": its job cannot be planned by this gradreg: " + e.getMessage());
        }
        String fingerprint = Sharding.fingerprint(file.job().xml(), parameters);
        // a file of an older build carries the fingerprint with the execution-only parameters in it
        if (!job.name().equals(file.job().name()) || !spec.experiment().equals(file.experiment())
                || !(fingerprint.equals(file.job().fingerprint())
                        || Sharding.legacyFingerprint(file.job().xml(), parameters).equals(file.job().fingerprint()))) {
            throw new IllegalArgumentException(fileName + ": its job's name, experiment or fingerprint is not the one "
                    + "its job XML and parameters give; the file is inconsistent (export it again)");
        }
        Map<String, RunSpec> plan = new LinkedHashMap<>();
        spec.runs().forEach(r -> plan.put(r.key(), r));
        SweepChecks.check(file, fileName, spec);

        // 1. every run is one the job plans, with the configuration the job gives it
        List<RunRecord> records = new ArrayList<>();
        Map<String, TrainingConfig> drawn = new LinkedHashMap<>();
        for (RunsFile.Run run : file.runs()) {
            RunSpec planned = plan.get(run.key());
            if (planned == null) {
                throw new IllegalArgumentException(fileName + ": run " + run.key() + " is not planned by the file's own "
                        + "job (" + file.job().name() + " with its parameters); the file is inconsistent");
            }
            String mismatch = mismatch(run, planned.config(), planned.id().cell().regularizer());
            if (mismatch != null) {
                throw new IllegalArgumentException(fileName + ": run " + run.key() + " has " + mismatch + ", but its job "
                        + "plans " + describe(planned.config()) + "; the file is inconsistent");
            }
            records.add(toRecord(run, spec.experiment()));
            drawn.putIfAbsent(run.trainSize() + "@" + run.seed(), planned.config());
        }

        // 2. each run trained on the subset this gradreg draws for its size and seed (one subset in
        // memory at a time: a plan's seeds can be many)
        Map<String, String> checksums = new HashMap<>();
        drawn.forEach((k, c) -> checksums.put(k, Subsets.checksum(TrainingRun.drawSubset(c, workspace.mnist()))));
        for (RunsFile.Run run : file.runs()) {
            String checksum = checksums.get(run.trainSize() + "@" + run.seed());
            if (!checksum.equals(run.subsetSha256())) {
                throw new IllegalArgumentException(fileName + ": run " + run.key() + " trained on the subset with "
                        + "checksum " + run.subsetSha256() + ", but this gradreg draws " + checksum + " for size "
                        + run.trainSize() + " and seed " + run.seed() + " (other MNIST files, or another sampler); "
                        + "its result is not comparable");
            }
        }

        // 3. no conflict with what this store holds under the same experiment id: an experiment of
        // that id (planned by the same job and parameters), or a job run without shards in this
        // very store (its id is derived, not recorded)
        Optional<Experiments.Experiment> existing = store.experiments().get(file.experimentId());
        Optional<Long> target = existing.map(Experiments.Experiment::resultsInstance)
                .or(() -> experimentIds.unshardedInstance(file.experimentId()));
        Map<String, RunRecord> stored = new HashMap<>();
        target.ifPresent(t -> store.runs().of(t).forEach(r -> stored.put(r.runKey(), r)));
        int alreadyPresent = 0;
        int differing = 0;
        for (RunRecord mine : records) {
            RunRecord theirs = stored.get(mine.runKey());
            if (theirs == null) {
                continue;
            }
            if (!sameConfiguration(mine, theirs)) {
                throw new IllegalArgumentException("run " + mine.runKey() + " in " + fileName + " (" + describe(mine)
                        + ") conflicts with the run stored under experiment '" + file.experimentId() + "' in "
                        + workspace.database().describe() + " (" + describe(theirs) + "); nothing was imported. "
                        + "Import into another store, or export the experiment again under another --experiment-id");
            }
            if (theirs.status().finished()) {
                alreadyPresent++;
                if (!Objects.equals(theirs.testAccuracy(), mine.testAccuracy())) {
                    differing++;
                }
            }
        }

        // runs that agree, of a job that does not: its other runs and weights are another experiment
        if (existing.isPresent() && !existing.get().fingerprint().equals(fingerprint)) {
            throw new IllegalArgumentException(fileName + ": experiment '" + file.experimentId() + "' in "
                    + workspace.database().describe() + " was planned by another job file or other parameters; nothing "
                    + "was imported. Import into another store, or export the experiment again under another --experiment-id");
        }

        // 4. plan the experiment (once), then record the runs, in one transaction of the store
        // (JBeret numbers the job instance of a new experiment in its own tables first)
        boolean created = existing.isEmpty() && target.isEmpty();
        long instance = created ? launcher.newJobInstance(job) : existing.map(Experiments.Experiment::resultsInstance)
                .orElseGet(target::get);
        int[] recorded = {0};
        long[] into = {instance};
        try {
            store.inOneTransaction("import " + fileName, () -> {
                if (created) {
                    Properties recordedParameters = new Properties();
                    recordedParameters.putAll(parameters);
                    recordedParameters.setProperty(Sharding.EXPERIMENT, file.experimentId());
                    recordedParameters.setProperty("gradreg.imported-from", file.exportedBy());
                    Path local = workspace.jobsDir().resolve(file.job().file());
                    store.jobs().record(instance, file.job().name(), Files.isRegularFile(local) ? local.toString()
                            : file.job().file(), file.job().xml(), recordedParameters, plans.save(spec).id());
                }
                into[0] = existing.isPresent() ? instance
                        : store.experiments().join(file.experimentId(), fingerprint, file.job().name(), instance, 0, 1)
                                .resultsInstance();
                drawn.values().forEach(c -> store.subsets().record(into[0], c.subset().toString(), c.seed(),
                        TrainingRun.drawSubset(c, workspace.mnist())));
                int order = 0;
                for (RunSpec r : spec.runs()) {
                    TrainingConfig c = r.config();
                    store.runs().plan(RunRecord.planned(into[0], r.id(), spec.experiment(), c.weight(),
                            c.seed(), c.minibatches()), order++);
                }
                Map<String, List<CurvePoint>> curves = new HashMap<>();
                Map<String, Map<String, Double>> measures = new HashMap<>(); // none in files before version 3
                for (RunsFile.Run run : file.runs()) {
                    if (run.curve() != null) {
                        curves.put(run.key(), CurveColumns.fromFile(run.curve()));
                    }
                    if (run.measures() != null) {
                        measures.put(run.key(), run.measures());
                    }
                }
                recorded[0] = store.runs().recordImported(into[0], records, curves, measures);
                // a sweep's held-out numbers: the first record of each wins, as in the store
                for (RunsFile.Run run : file.runs()) {
                    if (run.validation() != null) {
                        store.validations().record(into[0], new Validations.Validation(run.key(),
                                run.validation().accuracy(), run.validation().loss(), run.validation().images()));
                    }
                }
                for (RunsFile.Selection x : file.selections()) {
                    store.validations().select(into[0], new Validations.Selection(x.group(), x.rule(), x.weight(),
                            x.summary(), Instant.parse(x.selectedAt())));
                }
            });
        } catch (RuntimeException e) {
            if (created) { // the store has nothing of it: neither should JBeret's tables
                removeQuietly(instance);
            }
            throw e;
        }
        Path local = workspace.jobsDir().resolve(file.job().file());
        String localDiffers = null;
        try {
            if (Files.isRegularFile(local) && !Sha256.hex(Files.readString(local)).equals(file.job().sha256())) {
                localDiffers = local.toString();
            }
        } catch (java.io.IOException e) {
            localDiffers = local + " (unreadable: " + e.getMessage() + ")";
        }
        return new Imported(file.experimentId(), into[0], created, records.size(), recorded[0], alreadyPresent, differing,
                spec.runs().size(), localDiffers);
    }

    private void removeQuietly(long jobInstance) {
        try {
            launcher.repository().removeJobInstance(jobInstance);
        } catch (RuntimeException e) {
            // an empty job instance without a job source: listed by nothing, harmless
        }
    }

    /**
     * The file's job parameters, checked as {@code -p} would be, with what it says of itself: an
     * experiment id by the rule of {@code -p experiment} (it names directories and files), a job
     * file name without a directory.
     */
    private static Properties checkedParameters(RunsFile file, String fileName) {
        if (!ExperimentSpec.SAFE_NAME.matcher(file.experimentId()).matches()) {
            throw new IllegalArgumentException(fileName + ": its experiment id '" + printable(file.experimentId())
                    + "' is not one: letters, digits, '.', '_' and '-', at most 64, as for -p experiment");
        }
        String jobFile = file.job().file();
        if (jobFile.contains("/") || jobFile.contains("\\") || jobFile.equals(".") || jobFile.equals("..")) {
            throw new IllegalArgumentException(fileName + ": its job file name '" + printable(jobFile)
                    + "' is not a file name (it names the job file, without a directory)");
        }
        Properties parameters = new Properties();
        file.job().parameters().forEach((key, value) -> {
            if (key.startsWith(JobProperties.RESERVED)) {
                throw new IllegalArgumentException(fileName + ": job parameter '" + printable(key) + "' is reserved: "
                        + "gradreg sets the " + JobProperties.RESERVED + "* parameters itself");
            }
            parameters.setProperty(key, value);
        });
        return parameters;
    }

    /** Text from a file, fit for a one-line message. */
    private static String printable(String text) {
        String shown = text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return shown.length() > 80 ? shown.substring(0, 80) + "..." : shown;
    }

    private static RunRecord toRecord(RunsFile.Run r, String experiment) {
        return new RunRecord(0, r.key(), experiment, r.architecture(), r.regularizer(), r.weight(), r.trainSize(),
                r.runIndex(), r.seed(), r.minibatches(), RunStatus.valueOf(r.status()), r.minibatchesDone(),
                r.testAccuracy(), r.testLoss(), r.finalLoss(), r.finalPenalty(), r.trainSeconds(), r.message(), null, null,
                r.trainedBy());
    }

    /** What of a run differs from its planned configuration; {@code label} is its cell's regularizer (spectreg@0.003 in a sweep). */
    private static String mismatch(RunsFile.Run run, TrainingConfig c, String label) {
        if (!run.architecture().equals(c.architecture().id())) {
            return "architecture " + run.architecture();
        }
        if (!run.regularizer().equals(label)) {
            return "regularizer " + run.regularizer();
        }
        if (Double.compare(run.weight(), c.weight()) != 0) {
            return "weight " + run.weight();
        }
        if (!run.trainSize().equals(c.subset().toString())) {
            return "training-set size " + run.trainSize();
        }
        if (run.seed() != c.seed()) {
            return "seed " + run.seed();
        }
        if (run.minibatches() != c.minibatches()) {
            return "minibatches " + run.minibatches();
        }
        return null;
    }

    static boolean sameConfiguration(RunRecord a, RunRecord b) {
        return a.architecture().equals(b.architecture()) && a.regularizer().equals(b.regularizer())
                && Double.compare(a.weight(), b.weight()) == 0 && a.trainSize().equals(b.trainSize())
                && a.seed() == b.seed() && a.minibatches() == b.minibatches();
    }

    private static String describe(TrainingConfig c) {
        return c.architecture().id() + ", " + c.regularizer() + " weight " + c.weight() + " (mean units), size "
                + c.subset() + ", seed " + c.seed() + ", " + c.minibatches() + " minibatches";
    }

    private static String describe(RunRecord r) {
        return r.architecture() + ", " + r.regularizer() + " weight " + r.weight() + " (mean units), size "
                + r.trainSize() + ", seed " + r.seed() + ", " + r.minibatches() + " minibatches";
    }
}
