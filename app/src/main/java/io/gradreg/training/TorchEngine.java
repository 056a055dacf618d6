package io.gradreg.training;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * DJL's PyTorch engine, started from the libtorch in {@code pytorch-native-cpu} (never downloaded;
 * DJL offline mode is forced), with the intra-op thread count runs use.
 *
 * <p>libtorch is loaded once per process; {@link #start} is called once by whoever owns the process
 * (the batch layer's workspace, a command) and the returned value is handed to what needs it. The
 * thread count is a value of this object, not process state read behind the caller's back, and the
 * training package never sets it: PyTorch's OpenMP setting belongs to each native thread, so the
 * owner of a thread that trains or evaluates (a JBeret partition, a benchmark's pool) calls
 * {@link #useOnCurrentThread()} on it, or creates it with {@link #threadFactory()}.
 */
public final class TorchEngine {

    private static boolean loaded;

    private final Engine engine;
    private final int intraOpThreads;

    private TorchEngine(Engine engine, int intraOpThreads) {
        this.engine = engine;
        this.intraOpThreads = intraOpThreads;
    }

    /**
     * Loads libtorch (the first time in a process) and applies {@code intraOpThreads} to the calling
     * thread.
     *
     * @param intraOpThreads threads one tensor operation may use; 1 is fastest for LeNet-5-sized
     *     tensors, with runs in parallel instead
     */
    public static synchronized TorchEngine start(int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1, got " + intraOpThreads);
        }
        if (!loaded) {
            System.setProperty("ai.djl.offline", "true");
            if (System.getenv("PYTORCH_FLAVOR") == null && System.getProperty("PYTORCH_FLAVOR") == null) {
                System.setProperty("PYTORCH_FLAVOR", "cpu");
            }
        }
        Engine engine = Engine.getEngine("PyTorch");
        if (!loaded) {
            if (System.getenv("OMP_NUM_THREADS") == null) {
                System.err.println("warning: OMP_NUM_THREADS is not set, so libtorch may run some kernels on several "
                        + "threads and runs are not reproducible across processes; start gradreg with bin/gradreg "
                        + "or export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1");
            }
            JniUtils.setGradMode(false);
            loaded = true;
        }
        TorchEngine started = new TorchEngine(engine, intraOpThreads);
        started.useOnCurrentThread();
        return started;
    }

    /** DJL's engine. */
    public Engine engine() {
        return engine;
    }

    /** Threads one tensor operation may use. */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /**
     * What a run's floating-point result depends on besides its configuration, seed and build: the
     * intra-op thread count, the OpenMP and MKL thread pools libtorch loaded with, and its CPU kernels
     * when pinned (docs/training.md, "Reproducibility"). A run trained again with other settings may
     * end a few test images apart, so every trained run records this next to its build, e.g.
     * "intra-op threads 1, OMP_NUM_THREADS=1, MKL_NUM_THREADS=1, ATEN_CPU_CAPABILITY unset".
     */
    public String numerics() {
        return "intra-op threads " + intraOpThreads + ", " + variable("OMP_NUM_THREADS") + ", "
                + variable("MKL_NUM_THREADS") + ", " + variable("ATEN_CPU_CAPABILITY");
    }

    private static String variable(String name) {
        String value = System.getenv(name);
        if (value == null) {
            return name + " unset";
        }
        // recorded in a 200-character column next to the build: a value nobody meant is cut short
        return name + "=" + (value.length() > 12 ? value.substring(0, 12) + "..." : value);
    }

    /**
     * Applies the intra-op thread count to the calling thread. A thread that never did would use
     * OpenMP's default, one thread per core, and two partitions would oversubscribe the machine.
     */
    public void useOnCurrentThread() {
        JniUtils.setNumThreads(intraOpThreads);
    }

    /** Threads named {@code prefix-N} that apply the thread count before their first task. */
    public ThreadFactory threadFactory(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> new Thread(() -> {
            useOnCurrentThread();
            task.run();
        }, prefix + "-" + count.incrementAndGet());
    }
}
