package io.gradreg.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The finished runs of one experiment as a file that travels between machines ({@code gradreg
 * export}, {@code gradreg import}): enough to rebuild the experiment's report in a store that never
 * saw it trained, and to continue the experiment there. JSON, written by Jackson:
 *
 * <pre>
 * { "format": "gradreg-runs", "formatVersion": 2,
 *   "experimentId": "c2-protocol", "experiment": "c2",
 *   "job": { "name", "file", "sha256", "xml", "parameters": {...}, "fingerprint" },
 *   "exportedBy": "0.1.0 1a2b…", "exportedAt": "2026-11-29T21:00:00Z",
 *   "runs": [ { "key", "architecture", "regularizer", "weight", "trainSize", "runIndex", "seed",
 *               "subsetSha256", "minibatches", "minibatchesDone", "status", "testAccuracy", "testLoss",
 *               "finalLoss", "finalPenalty", "trainSeconds", "message", "trainedBy",
 *               "curve": { "minibatch": [100, 200, …], "loss": […], "penalty": […], "learningRate": […] },
 *               "measures": { "fgsm@0.1": 0.41, "gradnorm": 2.2, … },
 *               "validation": { "accuracy", "loss", "images" } } ],
 *   "selections": [ { "group", "rule", "weight", "summary", "selectedAt" } ] }
 * </pre>
 *
 * {@code weight} is in gradreg's per-example-mean units (what trained); accuracies are fractions.
 * Version 2 added {@code curve} (the run's training curve, column by column; null when the run
 * recorded none); version 1 files, which have none, are read as they are. Version 3 added
 * {@code measures} (the run's robustness measures by name, accuracies as fractions; absent when the
 * job measured none) and a weight sweep's held-out numbers: a run's {@code validation} and the
 * groups' {@code selections} (absent for any other experiment); files of versions 1 and 2 have none
 * and are read as they are.
 */
@JsonPropertyOrder({"format", "formatVersion", "experimentId", "experiment", "job", "exportedBy", "exportedAt", "runs",
    "selections"})
public record RunsFile(String format, int formatVersion, String experimentId, String experiment, Job job,
        String exportedBy, String exportedAt, List<Run> runs,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Selection> selections) {

    public static final String FORMAT = "gradreg-runs";
    public static final int VERSION = 3;

    public RunsFile {
        selections = selections == null ? List.of() : List.copyOf(selections);
    }

    /** A file of runs without a sweep's selections. */
    public RunsFile(String format, int formatVersion, String experimentId, String experiment, Job job,
            String exportedBy, String exportedAt, List<Run> runs) {
        this(format, formatVersion, experimentId, experiment, job, exportedBy, exportedAt, runs, List.of());
    }

    /** The oldest version this gradreg reads. */
    public static final int OLDEST_VERSION = 1;

    /** The job that planned the runs: its XML and parameters, as started. */
    @JsonPropertyOrder({"name", "file", "sha256", "fingerprint", "parameters", "xml"})
    public record Job(String name, String file, String sha256, String fingerprint, Map<String, String> parameters,
            String xml) {
    }

    /** One finished run. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"key", "architecture", "regularizer", "weight", "trainSize", "runIndex", "seed", "subsetSha256",
        "minibatches", "minibatchesDone", "status", "testAccuracy", "testLoss", "finalLoss", "finalPenalty",
        "trainSeconds", "message", "trainedBy", "curve", "measures", "validation"})
    public record Run(String key, String architecture, String regularizer, Double weight, String trainSize,
            Integer runIndex, Long seed, String subsetSha256, Integer minibatches, Integer minibatchesDone,
            String status, Double testAccuracy, Double testLoss, Double finalLoss, Double finalPenalty,
            Double trainSeconds, String message, String trainedBy, Curve curve,
            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> measures,
            @JsonInclude(JsonInclude.Include.NON_NULL) Validation validation) {

        /** A run without measures or a validation accuracy (as in files of versions 1 and 2). */
        public Run(String key, String architecture, String regularizer, Double weight, String trainSize,
                Integer runIndex, Long seed, String subsetSha256, Integer minibatches, Integer minibatchesDone,
                String status, Double testAccuracy, Double testLoss, Double finalLoss, Double finalPenalty,
                Double trainSeconds, String message, String trainedBy, Curve curve) {
            this(key, architecture, regularizer, weight, trainSize, runIndex, seed, subsetSha256, minibatches,
                    minibatchesDone, status, testAccuracy, testLoss, finalLoss, finalPenalty, trainSeconds, message,
                    trainedBy, curve, null, null);
        }
    }

    /** A sweep run's accuracy (fraction) and mean cross-entropy on its held-out validation images. */
    @JsonPropertyOrder({"accuracy", "loss", "images"})
    public record Validation(double accuracy, double loss, int images) {
    }

    /** A sweep group's recorded selection: its weight in the job's convention, and when it was recorded. */
    @JsonPropertyOrder({"group", "rule", "weight", "summary", "selectedAt"})
    public record Selection(String group, String rule, double weight, String summary, String selectedAt) {
    }

    /**
     * A run's training curve as columns of equal length: minibatch (1-based, increasing), loss
     * (mean cross-entropy of that minibatch), raw penalty and learning rate.
     */
    @JsonPropertyOrder({"minibatch", "loss", "penalty", "learningRate"})
    public record Curve(List<Integer> minibatch, List<Double> loss, List<Double> penalty, List<Double> learningRate) {
    }

    /** At most this many runs, as a job may plan ({@code -p} bounds an experiment the same way). */
    public static final int MAX_RUNS = 100_000;

    /** At most this many bytes: a C4 file of 450 runs with 100-point curves is about 1 MB. */
    public static final long MAX_BYTES = 256L << 20;

    /** Known fields once each, numbers as numbers (no {@code "1"} or {@code 2.5} for an integer), strings bounded. */
    private static final ObjectMapper MAPPER = JsonMapper.builder(new com.fasterxml.jackson.core.JsonFactoryBuilder()
                    .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                            .maxStringLength(RunsFileChecks.MAX_TEXT).build())
                    .build())
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Writes this file atomically: a reader never sees half of it. */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            MAPPER.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads and checks a runs file; every problem is an IllegalArgumentException naming the file and the field. */
    public static RunsFile read(Path file) {
        RunsFile f;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + " is " + Files.size(file) + " bytes, more than a runs file holds "
                        + "(at most " + MAX_BYTES + "); split the export by experiment");
            }
        } catch (IOException e) {
            // reported by the read below
        }
        try (InputStream in = Files.newInputStream(file)) {
            f = MAPPER.readValue(in, RunsFile.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + " is not a gradreg runs file: "
                    + e.getOriginalMessage() + location(e));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        if (f == null) {
            throw new IllegalArgumentException(file + " is not a gradreg runs file: it holds no JSON object");
        }
        f.check(file);
        return f;
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    private void check(Path file) {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(file + " is not a gradreg runs file (\"format\" is " + quote(format)
                    + ", not \"" + FORMAT + "\"); make one with 'gradreg export'");
        }
        if (formatVersion < OLDEST_VERSION || formatVersion > VERSION) {
            throw new IllegalArgumentException(file + " has format version " + formatVersion + "; this gradreg reads "
                    + "versions " + OLDEST_VERSION + " to " + VERSION + " (export it again with this gradreg's version)");
        }
        new RunsFileChecks(file.toString()).check(this);
    }

    private static String quote(String s) {
        return s == null ? "missing" : "\"" + s + "\"";
    }
}
