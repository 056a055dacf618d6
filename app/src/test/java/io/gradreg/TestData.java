package io.gradreg;

import io.gradreg.data.Mnist;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.training.Penalty;
import io.gradreg.training.TrainingConfig;
import java.nio.file.Path;

/** The shipped MNIST files, loaded once per test JVM, and the built-in regularizers ready for a run. */
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

    /** The built-in regularizer {@code config} names, with its parameters. */
    public static Penalty penalty(TrainingConfig config) {
        Regularizers builtIn = Regularizers.builtIn();
        return new Penalty(builtIn.label(config.regularizer()),
                builtIn.create(config.regularizer(), config.regularizerParameters()));
    }
}
