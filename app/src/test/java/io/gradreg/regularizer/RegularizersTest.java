package io.gradreg.regularizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerException;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import io.gradreg.spi.SpiVersion;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegularizersTest {

    @Test
    void builtInsAreFoundThroughServiceLoader() {
        List<String> names = Regularizers.builtIn().all().stream().map(e -> e.provider().name()).toList();
        assertEquals(List.of("cp", "doubleback", "frobreg", "jacreg", "none", "spectreg"), names);
        Regularizers.builtIn().all().forEach(e -> assertEquals(Regularizers.BUILT_IN, e.origin()));
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        RegularizerException e = assertThrows(RegularizerException.class, () -> Regularizers.builtIn().get("spectral"));
        assertEquals("unknown regularizer 'spectral'; known: cp, doubleback, frobreg, jacreg, none, spectreg",
                e.getMessage());
    }

    @Test
    void unknownParameterIsRefused() {
        RegularizerException e = assertThrows(RegularizerException.class,
                () -> Regularizers.builtIn().create("spectreg", Map.of("projections", "4")));
        assertEquals("regularizer 'spectreg' has no parameter 'projections'; it takes no parameters", e.getMessage());
    }

    @Test
    void aPluginDirectoryOthersCanWriteToIsRefused(@TempDir Path dir) throws IOException {
        Path plugins = java.nio.file.Files.createDirectory(dir.resolve("plugins"));
        java.nio.file.Files.setPosixFilePermissions(plugins, java.nio.file.attribute.PosixFilePermissions.fromString(
                "rwxrwxrwx"));
        String message = org.junit.jupiter.api.Assertions.assertThrows(io.gradreg.spi.RegularizerException.class,
                () -> Regularizers.load(plugins)).getMessage();
        org.junit.jupiter.api.Assertions.assertEquals("plugin directory " + plugins + " is writable by other users "
                + "(rwxrwxrwx): any of them could make gradreg run their code; run 'chmod go-w " + plugins + "'", message);
        java.nio.file.Files.setPosixFilePermissions(plugins, java.nio.file.attribute.PosixFilePermissions.fromString(
                "rwxr-xr-x"));
        Regularizers.load(plugins); // fine once only its owner can write
    }

    @Test
    void twoProvidersWithOneNameAreRefusedNamingBoth(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(RegularizerProvider.class.getName()), ShadowSpectReg.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            RegularizerException e = assertThrows(RegularizerException.class, () -> Regularizers.load(loader));
            assertTrue(e.getMessage().startsWith("two regularizers are named 'spectreg': "), e.getMessage());
            assertTrue(e.getMessage().contains("io.gradreg.regularizer.builtin.SpectReg"), e.getMessage());
            assertTrue(e.getMessage().contains(ShadowSpectReg.class.getName()), e.getMessage());
        }
    }

    @Test
    void providerThatThrowsOnCreationIsNamed(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(RegularizerProvider.class.getName()), Exploding.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Regularizers regularizers = Regularizers.load(loader);
            RegularizerException e = assertThrows(RegularizerException.class,
                    () -> regularizers.create("exploding", Map.of()));
            assertEquals("regularizer 'exploding' (test-classes) failed to start: java.lang.IllegalStateException: boom",
                    e.getMessage());
        }
    }

    /** A second provider called spectreg. */
    @SpiVersion(SpiVersion.CURRENT)
    public static final class ShadowSpectReg implements RegularizerProvider {
        @Override
        public String name() {
            return "spectreg";
        }

        @Override
        public String description() {
            return "shadow";
        }

        @Override
        public Regularizer create(RegularizerParameters parameters) {
            return context -> context.loss();
        }
    }

    /** A provider whose create() throws. */
    @SpiVersion(SpiVersion.CURRENT)
    public static final class Exploding implements RegularizerProvider {
        @Override
        public String name() {
            return "exploding";
        }

        @Override
        public String description() {
            return "throws";
        }

        @Override
        public Regularizer create(RegularizerParameters parameters) {
            throw new IllegalStateException("boom");
        }
    }
}
