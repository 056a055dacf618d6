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
import java.util.ArrayList;
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
 *               "curve": { "minibatch": [100, 200, …], "loss": […], "penalty": […], "learningRate": […] } } ] }
 * </pre>
 *
 * {@code weight} is in gradreg's per-example-mean units (what trained); accuracies are fractions.
 * Version 2 added {@code curve} (the run's training curve, column by column; null when the run
 * recorded none); version 1 files, which have none, are read as they are.
 */
@JsonPropertyOrder({"format", "formatVersion", "experimentId", "experiment", "job", "exportedBy", "exportedAt", "runs"})
public record RunsFile(String format, int formatVersion, String experimentId, String experiment, Job job,
        String exportedBy, String exportedAt, List<Run> runs) {

    public static final String FORMAT = "gradreg-runs";
    public static final int VERSION = 2;

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
        "trainSeconds", "message", "trainedBy", "curve"})
    public record Run(String key, String architecture, String regularizer, Double weight, String trainSize,
            Integer runIndex, Long seed, String subsetSha256, Integer minibatches, Integer minibatchesDone,
            String status, Double testAccuracy, Double testLoss, Double finalLoss, Double finalPenalty,
            Double trainSeconds, String message, String trainedBy, Curve curve) {
    }

    /**
     * A run's training curve as columns of equal length: minibatch (1-based, increasing), loss
     * (mean cross-entropy of that minibatch), raw penalty and learning rate.
     */
    @JsonPropertyOrder({"minibatch", "loss", "penalty", "learningRate"})
    public record Curve(List<Integer> minibatch, List<Double> loss, List<Double> penalty, List<Double> learningRate) {
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
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
        require(file, "experimentId", experimentId);
        require(file, "experiment", experiment);
        if (job == null) {
            throw new IllegalArgumentException(file + ": field \"job\" is missing");
        }
        require(file, "job.name", job.name());
        require(file, "job.xml", job.xml());
        require(file, "job.fingerprint", job.fingerprint());
        if (job.parameters() == null) {
            throw new IllegalArgumentException(file + ": field \"job.parameters\" is missing");
        }
        if (runs == null) {
            throw new IllegalArgumentException(file + ": field \"runs\" is missing");
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            String at = "runs[" + i + "]";
            if (r == null) {
                throw new IllegalArgumentException(file + ": " + at + " is null");
            }
            require(file, at + ".key", r.key());
            require(file, at + ".architecture", r.architecture());
            require(file, at + ".regularizer", r.regularizer());
            require(file, at + ".trainSize", r.trainSize());
            require(file, at + ".subsetSha256", r.subsetSha256());
            require(file, at + ".status", r.status());
            for (Object[] field : new Object[][] {{"weight", r.weight()}, {"runIndex", r.runIndex()}, {"seed", r.seed()},
                {"minibatches", r.minibatches()}, {"minibatchesDone", r.minibatchesDone()}}) {
                if (field[1] == null) {
                    throw new IllegalArgumentException(file + ": field \"" + at + "." + field[0] + "\" is missing");
                }
            }
            if (!r.status().equals("EVALUATED") && !r.status().equals("FAILED")) {
                throw new IllegalArgumentException(file + ": " + at + " (" + r.key() + ") has status " + quote(r.status())
                        + "; a runs file holds finished runs only (EVALUATED or FAILED)");
            }
            if (r.status().equals("EVALUATED") && (r.testAccuracy() == null || r.testAccuracy() < 0
                    || r.testAccuracy() > 1)) {
                throw new IllegalArgumentException(file + ": " + at + " (" + r.key() + ") is EVALUATED but its "
                        + "\"testAccuracy\" is " + r.testAccuracy() + " (a fraction in [0, 1])");
            }
            checkCurve(file, at, r);
            if (keys.contains(r.key())) {
                throw new IllegalArgumentException(file + ": run " + r.key() + " appears twice");
            }
            keys.add(r.key());
        }
    }

    private static void checkCurve(Path file, String at, Run r) {
        Curve c = r.curve();
        if (c == null) {
            return;
        }
        String where = file + ": " + at + ".curve (" + r.key() + ")";
        if (c.minibatch() == null || c.loss() == null || c.penalty() == null || c.learningRate() == null) {
            throw new IllegalArgumentException(where + " needs the columns minibatch, loss, penalty and learningRate");
        }
        int n = c.minibatch().size();
        if (c.loss().size() != n || c.penalty().size() != n || c.learningRate().size() != n) {
            throw new IllegalArgumentException(where + ": its columns differ in length (minibatch " + n + ", loss "
                    + c.loss().size() + ", penalty " + c.penalty().size() + ", learningRate " + c.learningRate().size() + ")");
        }
        int previous = 0;
        for (int i = 0; i < n; i++) {
            Integer m = c.minibatch().get(i);
            if (m == null || m <= previous || m > r.minibatchesDone()) {
                throw new IllegalArgumentException(where + ": minibatch[" + i + "] is " + m + "; minibatches must increase "
                        + "from 1 to the run's minibatchesDone (" + r.minibatchesDone() + ")");
            }
            previous = m;
            if (c.loss().get(i) == null || c.penalty().get(i) == null || c.learningRate().get(i) == null) {
                throw new IllegalArgumentException(where + ": point " + i + " (minibatch " + m + ") has a null value");
            }
        }
    }

    private static void require(Path file, String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(file + ": field \"" + field + "\" is missing or empty");
        }
    }

    private static String quote(String s) {
        return s == null ? "missing" : "\"" + s + "\"";
    }
}
