package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin as an author uses it: plugins/gradl1 built with Maven (its own tests, on the
 * SPI test kit, included) against the gradreg-spi-bom in the local repository, its jar dropped into the default
 * plugin directory, listed by `gradreg regularizers`, and trained in a job next to the built-ins.
 */
class ExamplePluginIT {

    private static final Path EXAMPLE = Path.of("plugins/gradl1").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void examplePluginBuildsListsAndTrainsInAJob() throws Exception {
        Path jar = buildExample(dir.resolve("gradl1"));
        assertEquals("gradreg-gradl1-1.0.0.jar", jar.getFileName().toString());

        Path work = dir.resolve("work");
        Files.createDirectories(work.resolve("plugins")); // the default: <work dir>/plugins
        Files.copy(jar, work.resolve("plugins").resolve(jar.getFileName()));
        Gradreg g = new Gradreg(work, Map.of());

        Gradreg.Result list = g.run("regularizers");
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("gradl1 +gradreg-gradl1-1\\.0\\.0\\.jar +L1 norm of the "
                + "cross-entropy's gradient w\\.r\\.t\\. the input .*")), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.matches(" +parameter smoothing=0: .*")), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("doubleback +built-in +.*")), list.out());

        Gradreg.Result refused = g.run("run", EXAMPLE.resolve("gradl1-quickstart.xml").toString(), "-p",
                "param.gradl1.smoothing=-1");
        assertEquals(2, refused.exit(), refused.err());
        assertEquals("gradreg: job properties 'param.gradl1.*': parameter 'smoothing' of regularizer 'gradl1' must be "
                + "zero or a positive number, was '-1'", refused.errorLine());

        Gradreg.Result run = g.run("run", EXAMPLE.resolve("gradl1-quickstart.xml").toString(), "-p", "runs=1",
                "-p", "minibatches=30");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("| architecture | train size | none | doubleback | gradl1 |"), run.out());
        assertTrue(run.out().contains("\nRegularizer parameters: gradl1 smoothing=0 (others: their defaults).\n"),
                run.out());
        Gradreg.Result status = g.run("status", "1");
        assertTrue(status.out().lines().anyMatch(l -> l.startsWith("baseline/gradl1/50/class#0 ") && l.contains(" EVALUATED ")),
                status.out());
    }

    /** Copies the example's sources to {@code target} and runs `mvn package` there; returns the jar. */
    private static Path buildExample(Path target) throws IOException, InterruptedException {
        try (Stream<Path> files = Files.walk(EXAMPLE)) {
            for (Path f : files.filter(p -> !EXAMPLE.relativize(p).startsWith("target")).toList()) {
                Path to = target.resolve(EXAMPLE.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return PluginBuild.mvnPackage(target, "gradreg-gradl1-1.0.0.jar");
    }
}
