package io.gradreg;

import io.gradreg.data.Mnist;
import java.nio.file.Path;

/** The shipped MNIST files, loaded once per test JVM. */
public final class TestData {

    private static Mnist mnist;

    private TestData() {
    }

    public static synchronized Mnist mnist() {
        if (mnist == null) {
            mnist = Mnist.load(Path.of("data/mnist"));
        }
        return mnist;
    }
}
