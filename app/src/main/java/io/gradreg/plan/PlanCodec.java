package io.gradreg.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gradreg.data.SubsetSpec;
import io.gradreg.hash.Sha256;
import io.gradreg.model.Architecture;
import io.gradreg.model.BatchNormSettings;
import io.gradreg.model.Initialization;
import io.gradreg.store.Plans;
import io.gradreg.store.StoreException;
import io.gradreg.training.TrainingConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A plan as the store keeps it: JSON written by Jackson, canonical (fixed field order, maps sorted
 * by key) so that equal plans have equal text and the same id. Doubles are written in their
 * shortest exact form and read back to the same bits, so a run trained from its stored
 * configuration is the run that was planned.
 */
public final class PlanCodec {

    /** One run as stored: its identity, the weight as the job wrote it, and its whole configuration. */
    record StoredRun(String key, int runIndex, double jobWeight, StoredConfig config) {
    }

    /**
     * {@link TrainingConfig} with every field spelled out in plain types. {@code batchNorm} is
     * absent (null) when it is {@link BatchNormSettings#DEFAULT}: plans stored before it existed
     * read as they trained, and a plan with the default settings keeps its text and id.
     */
    record StoredConfig(String architecture, String regularizer, double weight, Map<String, String> regularizerParameters,
            String subset, int minibatches, int batchSize, double learningRate, List<Double> decayAt, double decayFactor,
            double beta1, double beta2, double epsilon, double weightDecay, long seed, String precision,
            String initialization, boolean conv2Same, @JsonInclude(JsonInclude.Include.NON_NULL) StoredBatchNorm batchNorm) {

        static StoredConfig of(TrainingConfig c) {
            return new StoredConfig(c.architecture().id(), c.regularizer(), c.weight(),
                    new TreeMap<>(c.regularizerParameters()), c.subset().toString(), c.minibatches(), c.batchSize(),
                    c.learningRate(), c.decayAt(), c.decayFactor(), c.beta1(), c.beta2(), c.epsilon(), c.weightDecay(),
                    c.seed(), c.precision().name(), c.initialization().id(), c.conv2Same(),
                    c.batchNorm().equals(BatchNormSettings.DEFAULT) ? null : StoredBatchNorm.of(c.batchNorm()));
        }

        TrainingConfig toConfig() {
            return new TrainingConfig(Architecture.parse(architecture), regularizer, weight, regularizerParameters,
                    SubsetSpec.parse(subset), minibatches, batchSize, learningRate, decayAt, decayFactor, beta1, beta2,
                    epsilon, weightDecay, seed, TrainingConfig.Precision.valueOf(precision),
                    Initialization.parse(initialization), conv2Same,
                    batchNorm == null ? BatchNormSettings.DEFAULT : batchNorm.toSettings());
        }
    }

    /** {@link BatchNormSettings} in plain types. */
    record StoredBatchNorm(double momentum, double epsilon, String placement, String layers) {

        static StoredBatchNorm of(BatchNormSettings b) {
            return new StoredBatchNorm(b.momentum(), b.epsilon(), b.placement().id(), b.layers().id());
        }

        BatchNormSettings toSettings() {
            return new BatchNormSettings(momentum, epsilon, BatchNormSettings.Placement.parse(placement),
                    BatchNormSettings.Layers.parse(layers));
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private PlanCodec() {
    }

    /** A plan as the store keeps it: its id, its settings and its runs, as text. */
    public record Encoded(String id, String settings, List<Plans.PlannedRun> runs) {
    }

    public static Encoded encode(ExperimentSpec spec) {
        String settings = write(spec.settings());
        List<String> texts = spec.runs().stream().map(PlanCodec::write).toList();
        List<Plans.PlannedRun> rows = new java.util.ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(new Plans.PlannedRun(spec.runs().get(i).key(), i, texts.get(i)));
        }
        return new Encoded(id(settings, texts), settings, rows);
    }

    static String write(PlanSettings settings) {
        return json(settings); // ORDER_MAP_ENTRIES_BY_KEYS sorts nested maps too
    }

    static String write(RunSpec run) {
        return json(new StoredRun(run.key(), run.runIndex(), run.jobWeight(), StoredConfig.of(run.config())));
    }

    public static PlanSettings readSettings(String planId, String text) {
        return read(planId, text, PlanSettings.class);
    }

    public static RunSpec readRun(String planId, String text) {
        StoredRun run = read(planId, text, StoredRun.class);
        return new RunSpec(run.key(), run.runIndex(), run.config().toConfig(), run.jobWeight());
    }

    /** The id of a plan: SHA-256 of its settings and runs as stored. */
    static String id(String settings, List<String> runs) {
        Sha256 digest = Sha256.start().update(settings);
        for (String run : runs) {
            digest.update((byte) '\n').update(run);
        }
        return digest.hex();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a plan as JSON", e);
        }
    }

    private static <T> T read(String planId, String text, Class<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw unreadable(planId, e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw unreadable(planId, e.getMessage(), e);
        }
    }

    private static StoreException unreadable(String planId, String why, Exception e) {
        return new StoreException("plan " + planId + " in the database cannot be read by this gradreg (" + why
                + "); continue the job with the gradreg build that started it", e);
    }
}
