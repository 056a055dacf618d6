package io.gradreg.cli;

import io.gradreg.data.Mnist;
import io.gradreg.training.TorchEngine;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.Option;

/** Where the data is and how many threads the engine uses. */
class EngineOptions {

    @Option(names = "--data-dir", description = "directory of the four MNIST IDX files, gzipped or raw "
            + "(default: gradreg.data-dir / GRADREG_DATA_DIR, else data/mnist)")
    Path dataDir;

    @Option(names = "--threads", defaultValue = "1",
            description = "PyTorch intra-op threads per run (default: ${DEFAULT-VALUE})")
    int threads;

    private TorchEngine torch;

    /** PyTorch with {@code --threads} intra-op threads, started on first use. */
    TorchEngine torch() {
        if (torch == null) {
            torch = TorchEngine.start(threads);
        }
        return torch;
    }

    Mnist loadData() {
        torch();
        Path dir = dataDir != null ? dataDir
                : Path.of(ConfigProvider.getConfig().getOptionalValue("gradreg.data-dir", String.class).orElse("data/mnist"));
        return Mnist.load(dir);
    }
}
