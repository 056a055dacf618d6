package io.gradreg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchEngineOfflineTest {

    /**
     * A fresh JVM with an empty DJL cache and every HTTP(S) connection sent to a closed port: the
     * engine can only start by extracting libtorch from the pytorch-native-cpu jar.
     */
    @Test
    void engineLoadsFromMavenJarsWithoutNetwork(@TempDir Path cache) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java,
                "-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=9", "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=9",
                "-cp", System.getProperty("java.class.path"), EngineProbe.class.getName());
        builder.environment().put("DJL_CACHE_DIR", cache.toString());
        builder.environment().remove("PYTORCH_LIBRARY_PATH");
        builder.environment().remove("PYTORCH_FLAVOR");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("PyTorch 2.7.1 sum=6.0"), output);
        try (Stream<Path> files = Files.walk(cache)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.contains("libtorch.so"), "libtorch extracted into the empty cache: " + names);
        }
    }
}
