package io.gradreg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The intra-op thread count is a value handed to a thread's owner, and OpenMP's setting is per thread. */
class TorchEngineTest {

    @Test
    void threadsOfItsFactoryUseItsThreadCount() throws Exception {
        try {
            TorchEngine two = TorchEngine.start(2);
            assertEquals(2, two.intraOpThreads());
            ExecutorService pool = Executors.newSingleThreadExecutor(two.threadFactory("probe"));
            try {
                assertEquals(2, pool.submit(JniUtils::getNumThreads).get());
                assertEquals("probe-1", pool.submit(() -> Thread.currentThread().getName()).get());
            } finally {
                pool.shutdownNow();
            }
        } finally {
            assertEquals(1, TorchEngine.start(1).intraOpThreads());
            assertEquals(1, JniUtils.getNumThreads());
        }
    }

    @Test
    void itsNumericsNameTheThreadSettingsARunDependsOn() {
        // the tests run with OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 (pom.xml), like bin/gradreg
        String numerics = TorchEngine.start(1).numerics();
        assertTrue(numerics.startsWith("intra-op threads 1, OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS")
                + ", MKL_NUM_THREADS=" + System.getenv("MKL_NUM_THREADS") + ", ATEN_CPU_CAPABILITY"), numerics);
        assertTrue(numerics.length() < 120, numerics);
    }

    @Test
    void aThreadCountBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TorchEngine.start(0));
    }
}
