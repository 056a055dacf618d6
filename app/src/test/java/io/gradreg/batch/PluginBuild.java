package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * `mvn package` of a plugin project as its author runs it, offline, with the Maven that runs these
 * tests and its local repository, where the reactor build ('mvn -B install', the README's test
 * command) installed the SPI, its BOM and the test kit before the integration tests.
 */
final class PluginBuild {

    private PluginBuild() {
    }

    /** Builds {@code project} (its tests included) and returns target/{@code jarName}. */
    static Path mvnPackage(Path project, String jarName) throws IOException, InterruptedException {
        String version = System.getProperty("gradreg.test.version", "0.1.0-SNAPSHOT");
        String home = System.getProperty("gradreg.test.maven-home");
        List<String> command = new ArrayList<>(List.of(home == null ? "mvn" : Path.of(home, "bin", "mvn").toString(),
                "-B", "-o", "-q", "package", "-Dgradreg.version=" + version));
        String repo = System.getProperty("gradreg.test.maven-repo");
        if (repo != null) {
            command.add("-Dmaven.repo.local=" + repo);
        }
        Path log = project.resolve("build.log");
        Process p = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "mvn package of " + project + " did not finish in 5 minutes");
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), "mvn package of " + project + " failed. It builds offline against "
                + "io.gradreg:gradreg-spi-bom:" + version + " (the SPI and the test kit) in the local Maven "
                + "repository, which 'mvn -B install' (the README's test command) installs before the integration "
                + "tests run.\n" + output);
        Path jar = project.resolve("target").resolve(jarName);
        assertTrue(Files.isRegularFile(jar), jar + " was not built:\n" + output);
        return jar;
    }
}
