package io.gradreg.spi.testkit;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** DJL's PyTorch engine from the libtorch jar on the class path, offline, one intra-op thread. */
final class KitEngine {

    private static boolean started;

    private KitEngine() {
    }

    static synchronized void start() {
        if (started) {
            return;
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getenv("PYTORCH_FLAVOR") == null && System.getProperty("PYTORCH_FLAVOR") == null) {
            System.setProperty("PYTORCH_FLAVOR", "cpu");
        }
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(1);
        started = true;
    }
}
