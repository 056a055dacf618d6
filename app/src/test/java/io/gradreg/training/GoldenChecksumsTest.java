package io.gradreg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.gradreg.TestData;
import io.gradreg.data.SubsetSpec;
import io.gradreg.model.Architecture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
 * app/pom.xml), so any x86-64 machine with AVX2 computes the same bits.
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
        Map<String, String> pinned = pinned();
        StringBuilder actual = new StringBuilder("# architecture\tregularizer\tsha256 of the final parameters\n");
        StringBuilder mismatches = new StringBuilder();
        for (Architecture architecture : Architecture.values()) {
            for (Map.Entry<String, Double> r : WEIGHTS.entrySet()) {
                String key = architecture.id() + "\t" + r.getKey();
                String checksum = checksum(architecture, r.getKey(), r.getValue());
                actual.append(key).append('\t').append(checksum).append('\n');
                if (!checksum.equals(pinned.get(key))) {
                    mismatches.append("  ").append(key.replace('\t', '/')).append(": ").append(checksum)
                            .append(", pinned ").append(pinned.get(key)).append('\n');
                }
            }
        }
        if (mismatches.length() > 0) {
            fail("results changed:\n" + mismatches + "If the change is intended, say why in the commit and replace "
                    + "app/src/test/resources/io/gradreg/training/" + FILE + " with:\n" + actual);
        }
        assertEquals(Architecture.values().length * WEIGHTS.size(), pinned.size(), "stale lines in " + FILE);
    }

    static String checksum(Architecture architecture, String regularizer, double weight) {
        TrainingConfig config = TrainingConfig.builder().architecture(architecture).regularizer(regularizer)
                .weight(weight).subset(SubsetSpec.perClass(10)).batchSize(20).minibatches(12).seed(7).build();
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
            while (!run.finished()) {
                run.step();
            }
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (NDArray p : run.parameters()) {
                float[] values = p.toType(DataType.FLOAT32, false).toFloatArray();
                ByteBuffer bytes = ByteBuffer.allocate(4 * values.length);
                bytes.asFloatBuffer().put(values);
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> pinned() throws IOException {
        Map<String, String> pinned = new LinkedHashMap<>();
        try (InputStream in = GoldenChecksumsTest.class.getResourceAsStream(FILE)) {
            if (in == null) {
                return pinned;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] f = line.split("\t");
                    pinned.put(f[0] + "\t" + f[1], f[2]);
                }
            }
        }
        return pinned;
    }
}
