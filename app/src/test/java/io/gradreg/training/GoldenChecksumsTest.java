package io.gradreg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.gradreg.TestData;
import io.gradreg.data.SubsetSpec;
import io.gradreg.hash.Sha256;
import io.gradreg.model.Architecture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Results do not change by accident: a short run of every built-in regularizer on every
 * architecture ends with parameters whose SHA-256 (of their float bits, in order) is pinned in
 * {@code golden-checksums.tsv}. Refactoring must keep every line to the bit; a change that is meant
 * to change results replaces the file and says why in its commit.
 *
 * <p>libtorch picks kernels by the CPU's instruction set, and kernels for different instruction
 * sets may round differently; the surefire execution that runs this test pins them
 * ({@code ATEN_CPU_CAPABILITY=avx2}, {@code ONEDNN_MAX_CPU_ISA=AVX2}, {@code MKL_CBWR=AVX2}, see
 * app/pom.xml). Even so, machines of different families round differently (MKL and oneDNN pick
 * code paths by vendor and cache sizes), so the file holds one set per family ({@code # set:}
 * lines), and a build passes when all its lines equal one whole set: a change of results would
 * have to reproduce another machine's bits in every one of 18 runs to slip through.
 */
class GoldenChecksumsTest {

    static final String FILE = "golden-checksums.tsv";
    static final Map<String, Double> WEIGHTS = new LinkedHashMap<>();

    static {
        WEIGHTS.put("none", 0.0);
        WEIGHTS.put("doubleback", 1.0);
        WEIGHTS.put("spectreg", 0.03);
        WEIGHTS.put("jacreg", 1.0);
        WEIGHTS.put("frobreg", 0.03);
        WEIGHTS.put("cp", 0.01);
    }

    @BeforeAll
    static void engine() {
        TorchEngine.start(1);
    }

    @Test
    void shortRunsOfEveryRegularizerAndArchitectureEndWithThePinnedParameters() throws IOException {
        // Only meaningful with the pinned kernels: the build runs it in its own surefire execution
        // (also 'mvn surefire:test@golden-checksums'); a plain -Dtest=... run of it is skipped.
        Assumptions.assumeTrue("avx2".equals(System.getenv("ATEN_CPU_CAPABILITY")),
                "needs ATEN_CPU_CAPABILITY=avx2 (its surefire execution 'golden-checksums' sets it)");
        List<Map<String, String>> sets = pinned();
        Map<String, String> actual = new LinkedHashMap<>();
        for (Architecture architecture : Architecture.values()) {
            for (Map.Entry<String, Double> r : WEIGHTS.entrySet()) {
                actual.put(architecture.id() + "\t" + r.getKey(), checksum(architecture, r.getKey(), r.getValue()));
            }
        }
        for (Map<String, String> set : sets) {
            assertEquals(actual.size(), set.size(), "a set of " + FILE + " without all " + actual.size() + " lines");
        }
        if (sets.stream().noneMatch(actual::equals)) {
            Map<String, String> closest = sets.stream().max(java.util.Comparator.comparingLong(set -> actual.entrySet()
                    .stream().filter(e -> e.getValue().equals(set.get(e.getKey()))).count())).orElse(Map.of());
            StringBuilder mismatches = new StringBuilder();
            StringBuilder lines = new StringBuilder();
            actual.forEach((key, checksum) -> {
                lines.append(key).append('\t').append(checksum).append('\n');
                if (!checksum.equals(closest.get(key))) {
                    mismatches.append("  ").append(key.replace('\t', '/')).append(": ").append(checksum)
                            .append(", pinned ").append(closest.get(key)).append('\n');
                }
            });
            fail("results changed (against the closest of " + sets.size() + " pinned sets):\n" + mismatches
                    + "If the change is intended, say why in the commit and replace every set of "
                    + "app/src/test/resources/io/gradreg/training/" + FILE + " (each on its machine family); on a new "
                    + "machine family whose results are otherwise unchanged, add this set:\n" + lines);
        }
    }

    static String checksum(Architecture architecture, String regularizer, double weight) {
        TrainingConfig config = TrainingConfig.builder().architecture(architecture).regularizer(regularizer)
                .weight(weight).subset(SubsetSpec.perClass(10)).batchSize(20).minibatches(12).seed(7).build();
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
            while (!run.finished()) {
                run.step();
            }
            Sha256 digest = Sha256.start();
            for (NDArray p : run.parameters()) {
                float[] values = p.toType(DataType.FLOAT32, false).toFloatArray();
                ByteBuffer bytes = ByteBuffer.allocate(4 * values.length);
                bytes.asFloatBuffer().put(values);
                digest.update(bytes);
            }
            return digest.hex();
        }
    }

    /** The pinned sets, each a map from "architecture\tregularizer" to its checksum. */
    private static List<Map<String, String>> pinned() throws IOException {
        List<Map<String, String>> sets = new ArrayList<>();
        try (InputStream in = GoldenChecksumsTest.class.getResourceAsStream(FILE)) {
            if (in == null) {
                return sets;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("# set:")) {
                    sets.add(new LinkedHashMap<>());
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    String[] f = line.split("\t");
                    sets.get(sets.size() - 1).put(f[0] + "\t" + f[1], f[2]);
                }
            }
        }
        return sets;
    }
}
