package io.gradreg.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.TestData;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.training.TorchEngine;
import io.gradreg.training.TrainingConfig;
import io.gradreg.training.TrainingException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BenchmarkTest {

    static TorchEngine torch;

    @BeforeAll
    static void engine() {
        torch = TorchEngine.start(1);
    }

    @Test
    void throughputTrainsEveryRunToTheEndAndCountsRunsPerHour() {
        Benchmark benchmark = new Benchmark(TestData.mnist(), Regularizers.builtIn(), torch);
        TrainingConfig config = TrainingConfig.builder().regularizer("spectreg").weight(0.01).minibatches(3).seed(5).build();
        Benchmark.Throughput t = benchmark.throughput(config, 3, 2);
        assertEquals(2, t.partitions());
        assertEquals(3, t.runs());
        assertEquals(3, t.minibatchesPerRun());
        assertTrue(t.seconds() > 0);
        assertEquals(3 * 3600 / t.seconds(), t.runsPerHour(), 1e-9);
    }

    @Test
    void aFailingRunFailsTheMeasurementWithItsOwnMessage() {
        Benchmark benchmark = new Benchmark(TestData.mnist(), Regularizers.builtIn(), torch);
        // a learning rate this large makes the loss overflow within a few minibatches
        TrainingConfig config = TrainingConfig.builder().learningRate(1e30).minibatches(50).seed(5).build();
        TrainingException e = assertThrows(TrainingException.class, () -> benchmark.throughput(config, 2, 2));
        assertTrue(e.getMessage().contains("diverged"), e.getMessage());
    }
}
