package io.gradreg.training;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Starts DJL's PyTorch engine from the libtorch in {@code pytorch-native-cpu} (never downloaded;
 * DJL offline mode is forced) and sets PyTorch's thread pools.
 */
public final class TorchEngine {

    private static boolean started;
    private static volatile int threads = 1;

    private TorchEngine() {
    }

    /**
     * @param intraOpThreads threads one tensor operation may use; 1 is fastest for LeNet-5-sized
     *     tensors, with runs in parallel instead
     */
    public static synchronized Engine start(int intraOpThreads) {
        if (!started) {
            System.setProperty("ai.djl.offline", "true");
            if (System.getenv("PYTORCH_FLAVOR") == null && System.getProperty("PYTORCH_FLAVOR") == null) {
                System.setProperty("PYTORCH_FLAVOR", "cpu");
            }
        }
        Engine engine = Engine.getEngine("PyTorch");
        if (!started && System.getenv("OMP_NUM_THREADS") == null) {
            System.err.println("warning: OMP_NUM_THREADS is not set, so libtorch may run some kernels on several "
                    + "threads and runs are not reproducible across processes; start gradreg with bin/gradreg "
                    + "or export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1");
        }
        if (!started) {
            JniUtils.setGradMode(false);
            started = true;
        }
        threads = intraOpThreads;
        JniUtils.setNumThreads(intraOpThreads);
        return engine;
    }

    /**
     * Applies the configured intra-op thread count to the calling thread. PyTorch's OpenMP setting
     * is per thread: a batch worker thread would otherwise use one thread per core, and two
     * partitions would oversubscribe the machine.
     */
    public static void applyThreadsToCurrentThread() {
        JniUtils.setNumThreads(threads);
    }
}
