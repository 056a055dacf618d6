package io.gradreg.batch;

import static io.gradreg.batch.PluginJarBuilder.providerSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken plugins, through the packaged command line: a plugin that cannot be loaded stops gradreg
 * before anything runs (one line naming the jar and the fix, exit code 2, no stack trace, no job
 * execution); a plugin that fails while training fails only its own runs, named in the message.
 */
class PluginFailureIT {

    private static final String OK = "@SpiVersion(SpiVersion.CURRENT)";
    private static final String ZERO = "Scalars.mul(context.loss(), 0)";

    @TempDir
    Path dir;

    private Path plugins;
    private Gradreg gradreg;

    @BeforeEach
    void pluginDirectory() throws Exception {
        plugins = Files.createDirectories(dir.resolve("my-plugins"));
        gradreg = new Gradreg(dir, Map.of("GRADREG_PLUGINS_DIR", plugins.toString()));
    }

    private void jar(String fileName, String pkg, String cls, String name, String annotation, String constructor,
            String penalty) throws Exception {
        new PluginJarBuilder().source(pkg + "." + cls, providerSource(pkg, cls, name, annotation, constructor, penalty))
                .provider(pkg + "." + cls).build(plugins.resolve(fileName));
    }

    /** `regularizers` and `run` both refuse with {@code message}, and no job execution is recorded. */
    private void refusedToStart(String message) throws Exception {
        Gradreg.Result list = gradreg.run("regularizers");
        assertEquals(2, list.exit(), list.err());
        assertEquals("gradreg: " + message, list.errorLine());
        assertFalse(list.err().contains("\tat "), list.err());
        assertEquals("", list.out());

        Gradreg.Result run = gradreg.run("run", "quickstart", "-p", "runs=1", "-p", "minibatches=1");
        assertEquals(2, run.exit(), run.err());
        assertEquals("gradreg: " + message, run.errorLine());
        Gradreg.Result status = gradreg.run("status");
        assertEquals(1, status.out().lines().count(), "no execution, only the header: " + status.out());
    }

    @Test
    void aPluginNamedLikeABuiltInIsRefusedNamingBoth() throws Exception {
        jar("shadow.jar", "test.shadow", "Shadow", "spectreg", OK, "", ZERO);
        refusedToStart("two regularizers are named 'spectreg': io.gradreg.regularizer.builtin.SpectReg (built-in) "
                + "and test.shadow.Shadow (shadow.jar); remove one of them");
    }

    @Test
    void twoPluginsWithOneNameAreRefusedNamingBothJars() throws Exception {
        jar("a.jar", "test.a", "Twin", "twin", OK, "", ZERO);
        jar("b.jar", "test.b", "Twin", "twin", OK, "", ZERO);
        refusedToStart("two regularizers are named 'twin': test.a.Twin (a.jar) and test.b.Twin (b.jar); "
                + "remove one of them");
    }

    @Test
    void aJarWithoutProviderIsRefused() throws Exception {
        new PluginJarBuilder().source("test.lonely.Lonely",
                providerSource("test.lonely", "Lonely", "lonely", OK, "", ZERO)).build(plugins.resolve("lonely.jar"));
        refusedToStart("plugin jar lonely.jar declares no regularizer provider: list its provider class in "
                + "META-INF/services/io.gradreg.spi.RegularizerProvider inside the jar, or remove the jar from " + plugins);
    }

    @Test
    void aProviderThatThrowsWhileBeingCreatedIsRefused() throws Exception {
        jar("exploding.jar", "test.exploding", "Exploding", "exploding", OK,
                "throw new IllegalStateException(\"no licence key\");", ZERO);
        refusedToStart("plugin jar exploding.jar: provider test.exploding.Exploding could not be created: "
                + "java.lang.IllegalStateException: no licence key");
    }

    @Test
    void aPluginBuiltForAnotherSpiIsRefused() throws Exception {
        jar("future.jar", "test.future", "Future", "future", "@SpiVersion(\"2.0\")", "", ZERO);
        refusedToStart("plugin jar future.jar: provider test.future.Future was built for gradreg SPI 2.0, but this "
                + "gradreg provides SPI 1.3 (it loads plugins built for 1.0 to 1.3); rebuild the plugin against the "
                + "gradreg-spi of this gradreg");
    }

    @Test
    void aPluginWithoutSpiVersionIsRefused() throws Exception {
        jar("unversioned.jar", "test.unversioned", "Unversioned", "unversioned", "", "", ZERO);
        refusedToStart("plugin jar unversioned.jar: provider test.unversioned.Unversioned does not declare the SPI "
                + "version it was built for; annotate it with @SpiVersion(SpiVersion.CURRENT) and rebuild it against "
                + "io.gradreg:gradreg-spi (SPI 1.3)");
    }

    @Test
    void failingPenaltiesFailOnlyTheirOwnRunsNamingThePlugin() throws Exception {
        new PluginJarBuilder().source("test.boom.Boom", providerSource("test.boom", "Boom", "boom", OK, "",
                "calls[0] < 3 ? Scalars.mul(context.loss(), 0) : Fail.now()"))
                .source("test.boom.Fail", """
                        package test.boom;

                        final class Fail {
                            static ai.djl.ndarray.NDArray now() {
                                throw new IllegalStateException("penalty exploded");
                            }
                        }
                        """)
                .provider("test.boom.Boom").build(plugins.resolve("boom.jar"));
        jar("nan.jar", "test.nan", "Nan", "nan", OK, "", "context.loss().mul(Float.NaN)");
        PluginJarBuilder.lazy("test.lazy").build(plugins.resolve("lazy.jar"));

        Gradreg.Result r = gradreg.run("run", "quickstart", "-p", "regularizers=none boom nan lazy", "-p", "runs=1",
                "-p", "minibatches=6", "-p", "weight.boom=1", "-p", "weight.nan=1", "-p", "weight.lazy=1");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("gradreg: 3 of 4 runs failed"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        String out = r.out();
        assertTrue(out.contains("- baseline/boom/50/class#0 (seed 1): regularizer 'boom' (boom.jar) failed at minibatch 3 "
                + "of the run with seed 1: java.lang.IllegalStateException: penalty exploded\n"), out);
        assertTrue(out.matches("(?s).*- baseline/nan/50/class#0 \\(seed 1\\): run with seed 1 diverged at minibatch 1: "
                + "loss \\d\\.\\d+, penalty of regularizer 'nan' \\(nan\\.jar\\) NaN\n.*"), out);
        assertTrue(out.contains("- baseline/lazy/50/class#0 (seed 1): regularizer 'lazy' (lazy.jar) failed to start: "
                + "java.lang.UnsupportedOperationException: not today\n"), out);
        // The unregularized run is trained, evaluated and reported as if the plugins were not there.
        assertTrue(out.matches("(?s).*\\| baseline \\| 50/class \\| \\d+\\.\\d\\d n=1 \\|.*"), out);
        Gradreg.Result status = gradreg.run("status", "1");
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().lines().anyMatch(l -> l.startsWith("baseline/none/50/class#0") && l.contains(" EVALUATED ")),
                status.out());
        assertEquals(3, status.out().lines().filter(l -> l.startsWith("baseline/") && l.contains(" FAILED ")).count(),
                status.out());
    }
}
