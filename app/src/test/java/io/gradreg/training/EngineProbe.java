package io.gradreg.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/** Run in a child JVM by {@link TorchEngineOfflineTest}: starts the engine and does one operation. */
public final class EngineProbe {

    public static void main(String[] args) {
        Engine engine = TorchEngine.start(1).engine();
        try (NDManager manager = NDManager.newBaseManager()) {
            float sum = manager.create(new float[] {1, 2, 3}).sum().getFloat();
            System.out.println(engine.getEngineName() + " " + engine.getVersion() + " sum=" + sum);
        }
    }
}
