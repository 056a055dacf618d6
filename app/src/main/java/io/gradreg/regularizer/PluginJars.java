package io.gradreg.regularizer;

import io.gradreg.spi.RegularizerException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The plugin jars of a plugin directory: every {@code *.jar} directly in it, in name order, each
 * in its own class loader whose parent is the application's (so a plugin sees the SPI and DJL, and
 * plugins cannot see or clash with each other's classes). A plugin with dependencies ships them
 * inside its jar (shaded). A missing directory means no plugins.
 */
final class PluginJars {

    /** One plugin jar: its file name (its origin in listings and messages) and its class loader. */
    record PluginJar(String fileName, URLClassLoader loader) {
        String source() {
            return "plugin jar " + fileName;
        }

        /** Whether the jar itself holds {@code type}'s class file (whoever loaded it). */
        boolean contains(Class<?> type) {
            return loader.findResource(type.getName().replace('.', '/') + ".class") != null;
        }
    }

    private PluginJars() {
    }

    static List<PluginJar> open(Path directory, ClassLoader parent) {
        if (directory == null || !Files.exists(directory)) {
            return List.of();
        }
        if (!Files.isDirectory(directory)) {
            throw new RegularizerException("plugin directory " + directory + " is not a directory; point "
                    + "gradreg.plugins-dir (GRADREG_PLUGINS_DIR) at a directory of plugin jars");
        }
        refuseWritableByOthers(directory);
        List<Path> jars;
        try (Stream<Path> files = Files.list(directory)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                    .sorted().toList();
        } catch (IOException e) {
            throw new RegularizerException("cannot list the plugin directory " + directory + ": " + e.getMessage(), e);
        }
        if (!jars.isEmpty() && inNativeImage()) {
            throw new RegularizerException("this native gradreg cannot load plugin jars at run time (found "
                    + jars.get(0).getFileName() + " in " + directory + "); compile the plugin in when building the "
                    + "native binary (see docs/plugins.md), or use the JVM build (bin/gradreg)");
        }
        List<PluginJar> opened = new ArrayList<>();
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            try (JarFile readable = new JarFile(jar.toFile())) {
                readable.size();
            } catch (IOException e) {
                throw new RegularizerException("plugin jar " + name + " in " + directory + " cannot be read ("
                        + e.getMessage() + "); replace or remove it");
            }
            opened.add(new PluginJar(name, new URLClassLoader("plugin " + name, new URL[] {url(jar)}, parent)));
        }
        return opened;
    }

    /**
     * A plugin jar is code gradreg runs: a directory (or jar) that other users can write to would let
     * any of them run code as the user who starts the job.
     */
    static void refuseWritableByOthers(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path path : Stream.concat(Stream.of(directory), files.filter(f -> f.toString().endsWith(".jar"))).toList()) {
                java.util.Set<java.nio.file.attribute.PosixFilePermission> mode;
                try {
                    mode = Files.getPosixFilePermissions(path);
                } catch (UnsupportedOperationException e) {
                    return; // not a POSIX file system: nothing to check
                }
                if (mode.contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
                        || mode.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)) {
                    throw new RegularizerException((path.equals(directory) ? "plugin directory " : "plugin jar ") + path
                            + " is writable by other users (" + java.nio.file.attribute.PosixFilePermissions.toString(mode)
                            + "): any of them could make gradreg run their code; run 'chmod go-w " + path + "'");
                }
            }
        } catch (IOException e) {
            throw new RegularizerException("cannot list the plugin directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GraalVM sets this property in a native executable; it cannot define classes at run time. */
    private static boolean inNativeImage() {
        return "runtime".equals(System.getProperty("org.graalvm.nativeimage.imagecode"));
    }
}
