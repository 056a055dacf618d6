package io.gradreg.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.gradreg.TestData;
import io.gradreg.bench.ProcessMemory;
import io.gradreg.data.Mnist;
import io.gradreg.data.SubsetSpec;
import io.gradreg.model.LeNet5;
import io.gradreg.training.Evaluation;
import io.gradreg.training.Evaluator;
import io.gradreg.training.TorchEngine;
import io.gradreg.training.TrainingConfig;
import io.gradreg.training.TrainingRun;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The robustness measures' properties on a LeNet-5 trained for a few hundred minibatches, on a
 * few hundred test images: epsilon 0 is clean accuracy, robust accuracy never exceeds clean (nor
 * PGD's FGSM's), the same seed gives the same numbers, memory stays flat over chunks.
 */
class RobustnessEvaluatorTest {

    static TrainingConfig config;
    static byte[] checkpoint;

    @BeforeAll
    static void train() {
        TorchEngine.start(1);
        config = TrainingConfig.builder().regularizer("none").minibatches(200).subset(SubsetSpec.perClass(50)).seed(3)
                .build();
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
            while (!run.finished()) {
                run.step();
            }
            checkpoint = run.checkpoint();
        }
    }

    private static RobustnessResult measure(String spec, int images) {
        return Evaluator.robustnessOfCheckpoint(config, checkpoint, TestData.mnist(), RobustnessSpec.parse(spec), images);
    }

    @Test
    void epsilonZeroIsCleanAccuracyExactly() {
        RobustnessResult r = measure("fgsm:0 pgd:0 noise:0", 300);
        assertTrue(r.clean() > 0.7, "the network learnt: " + r.clean());
        assertEquals(r.clean(), r.measures().get("fgsm@0"));
        assertEquals(r.clean(), r.measures().get("pgd@0"));
        assertEquals(r.clean(), r.measures().get("noise@0"));
    }

    @Test
    void cleanAccuracyIsTheEvaluationsTestAccuracy() {
        Evaluation clean = Evaluator.ofCheckpoint(config, checkpoint, TestData.mnist());
        assertEquals(clean.accuracy(), measure("none", TestData.mnist().test().size()).clean());
    }

    @Test
    void robustAccuracyNeverExceedsCleanNorPgdFgsm() {
        RobustnessResult r = measure("fgsm:0.05,0.1,0.2 pgd:0.05,0.2 noise:0.3,1", 300);
        Map<String, Double> m = r.measures();
        for (String e : new String[] {"0.05", "0.1", "0.2"}) {
            assertTrue(m.get("fgsm@" + e) <= r.clean(), "fgsm@" + e + " " + m);
        }
        assertTrue(m.get("pgd@0.05") <= m.get("fgsm@0.05"), m.toString());
        assertTrue(m.get("pgd@0.2") <= m.get("fgsm@0.2"), m.toString());
        assertTrue(m.get("noise@0.3") <= r.clean() && m.get("noise@1") <= r.clean(), m.toString());
        assertTrue(m.get("fgsm@0.2") < r.clean() - 0.1, "the attack bites: " + m);
        assertTrue(m.get("noise@1") < m.get("noise@0.3"), "strong noise hurts more: " + m);
        assertTrue(r.seconds() > 0);
    }

    @Test
    void theSameSeedGivesIdenticalNumbersAnotherSeedOtherRandomDraws() {
        String spec = "fgsm:0.1 pgd:0.1 noise:0.5 gradnorm";
        Map<String, Double> first = withoutSeconds(measure(spec, 200));
        assertEquals(first, withoutSeconds(measure(spec, 200)));
        TrainingConfig reseeded = config.toBuilder().seed(config.seed() + 1).build();
        Map<String, Double> other = withoutSeconds(Evaluator.robustnessOfCheckpoint(reseeded, checkpoint, TestData.mnist(),
                RobustnessSpec.parse(spec), 200));
        assertEquals(first.get("fgsm@0.1"), other.get("fgsm@0.1"), "FGSM draws nothing");
        assertEquals(first.get("gradnorm"), other.get("gradnorm"));
        assertNotEquals(first.get("gradnorm@noise"), other.get("gradnorm@noise"), "other noise images");
    }

    @Test
    void gradientNormsArePositiveAndFinite() {
        Map<String, Double> m = measure("gradnorm", 100).measures();
        for (String norm : Measure.NORMS) {
            assertTrue(m.get(norm) > 0 && Double.isFinite(m.get(norm)), norm + " " + m);
        }
    }

    /** Jacobian norms from one batched pass equal those from 10 separate vector-Jacobian products. */
    @Test
    void batchedJacobianNormsEqualTenVectorJacobianProducts() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block model = untrained(manager, DataType.FLOAT64);
            int n = 7;
            float[] pixels = new float[n * Mnist.PIXELS];
            for (int i = 0; i < n; i++) {
                TestData.mnist().test().copyImage(i, pixels, i * Mnist.PIXELS);
            }
            try (Classifier classifier = new Classifier(model, new ParameterStore(manager, false), DataType.FLOAT64,
                    manager)) {
                var x = manager.create(pixels, LeNet5.inputShape(n)).toType(DataType.FLOAT64, false);
                double[] batched = new GradientNorms(classifier).jacobianNorms(x);
                double[] squares = new double[n];
                for (int k = 0; k < Mnist.CLASSES; k++) {
                    var rows = manager.create(new int[] {k}).oneHot(Mnist.CLASSES).toType(DataType.FLOAT64, false)
                            .tile(new long[] {n, 1});
                    double[] r = classifier.vectorJacobian(x, rows).reshape(n, -1).square().sum(new int[] {1})
                            .toDoubleArray();
                    for (int i = 0; i < n; i++) {
                        squares[i] += r[i];
                    }
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(Math.sqrt(squares[i]), batched[i], 1e-12 * batched[i], "image " + i);
                }
            }
        }
    }

    /**
     * Over a whole evaluation of several chunks, nothing is left in the caller's manager and the
     * resident memory after three chunks is that after one (each chunk's arrays live in a
     * sub-manager closed at its end; a leaked chunk would hold tens of MB of activations).
     */
    @Test
    void memoryStaysFlatOverChunks() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block model = untrained(manager, DataType.FLOAT32);
            ParameterStore parameters = new ParameterStore(manager, false);
            RobustnessSpec spec = RobustnessSpec.parse("pgd:0.1 noise:0.3 gradnorm");
            int arrays = manager.getManagedArrays().size();
            RobustnessEvaluator.evaluate(model, parameters, manager, DataType.FLOAT32, TestData.mnist().test(), 1000, spec, 1);
            assertEquals(arrays, manager.getManagedArrays().size(), "arrays left after one chunk");
            System.gc();
            long afterOne = ProcessMemory.residentBytes();
            RobustnessEvaluator.evaluate(model, parameters, manager, DataType.FLOAT32, TestData.mnist().test(), 3000, spec, 1);
            assertEquals(arrays, manager.getManagedArrays().size(), "arrays left after three chunks");
            System.gc();
            long growth = ProcessMemory.residentBytes() - afterOne;
            System.out.printf("resident memory: %.1f MB after one chunk, %+.1f MB after three more%n", afterOne / 1e6,
                    growth / 1e6);
            assertTrue(growth < 40_000_000, "resident memory grew by " + growth / 1e6 + " MB over three chunks");
        }
    }

    /** A LeNet-5 with its initial (random) parameters. */
    private static Block untrained(NDManager manager, DataType dataType) {
        Block model = LeNet5.build(config.architecture(), config.initialization(), false, config.batchNorm(),
                new SplittableRandom(5), () -> null);
        model.initialize(manager, dataType, LeNet5.inputShape(1));
        return model;
    }

    private static Map<String, Double> withoutSeconds(RobustnessResult r) {
        Map<String, Double> m = new LinkedHashMap<>(r.measures());
        m.remove(Measure.SECONDS);
        return m;
    }
}
