package io.gradreg.regularizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginScaffoldTest {

    private static final String GRADL1_DESCRIPTION = "L1 norm of the cross-entropy's gradient w.r.t. the input "
            + "(robustness to L-infinity perturbations)";

    /** plugins/gradl1 is the scaffold's project for gradl1: same files, same POM and services file. */
    @Test
    void theExamplePluginIsWhatTheScaffoldWritesForIt() throws IOException {
        PluginScaffold.Plugin gradl1 = new PluginScaffold.Plugin("gradl1", "io.gradreg.plugins",
                "io.gradreg.plugins.gradl1", "GradL1", GRADL1_DESCRIPTION, "0.1.0-SNAPSHOT");
        Path example = Path.of("plugins/gradl1");
        for (Map.Entry<String, String> file : PluginScaffold.files(gradl1).entrySet()) {
            Path path = example.resolve(file.getKey());
            assertTrue(Files.isRegularFile(path), "plugins/gradl1 lacks " + file.getKey());
            if (file.getKey().equals("pom.xml") || file.getKey().startsWith("src/main/resources/")
                    || file.getKey().equals(".gitignore")) {
                assertEquals(file.getValue(), Files.readString(path), file.getKey() + " differs from the scaffold's");
            }
        }
    }

    @Test
    void writesAProjectNamedAfterTheRegularizer(@TempDir Path dir) throws IOException {
        PluginScaffold.Plugin plugin = new PluginScaffold.Plugin("grad-l2", "org.example",
                PluginScaffold.Plugin.defaultPackage("grad-l2"), PluginScaffold.Plugin.defaultClassName("grad-l2"),
                "a test plugin", "9.9.9");
        List<Path> files = PluginScaffold.write(plugin, dir.resolve("p"));
        assertEquals(List.of("pom.xml", "README.md", "grad-l2-quickstart.xml", "grad-l2-sweep.xml", "src/main/java/org/example/gradl2/GradL2.java",
                "src/main/resources/META-INF/services/io.gradreg.spi.RegularizerProvider",
                "src/test/java/org/example/gradl2/GradL2Test.java", ".gitignore"),
                files.stream().map(Path::toString).toList());
        String pom = Files.readString(dir.resolve("p/pom.xml"));
        assertTrue(pom.contains("<gradreg.version>9.9.9</gradreg.version>"), pom);
        assertTrue(pom.contains("<artifactId>gradreg-spi-bom</artifactId>"), pom);
        assertTrue(!pom.contains("gradreg-parent"), "the plugin must not import gradreg's parent: " + pom);
        assertEquals("org.example.gradl2.GradL2\n",
                Files.readString(dir.resolve("p/src/main/resources/META-INF/services/io.gradreg.spi.RegularizerProvider")));
        assertTrue(!Files.readString(dir.resolve("p/src/main/java/org/example/gradl2/GradL2.java")).contains("{{"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PluginScaffold.write(plugin, dir.resolve("p")));
        assertEquals("directory " + dir.resolve("p") + " is not empty; choose another with --directory", e.getMessage());
    }

    @Test
    void aNameGradregWouldRefuseIsRefusedAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PluginScaffold.Plugin(
                "My Reg", "org.example", "org.example.my", "My", "x", "1"));
        assertEquals("invalid plugin name 'My Reg': a regularizer's name is a lower-case letter, then lower-case "
                + "letters, digits, '-' or '_'", e.getMessage());
    }
}
