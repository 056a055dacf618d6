package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import io.gradreg.spi.RegularizerProvider;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a plugin jar for a test from Java source, compiled against the gradreg SPI and DJL's API
 * only (as an outside author's is), so broken plugins need no binary files in the repository.
 */
public final class PluginJarBuilder {

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<String> providers = new ArrayList<>();

    /** Adds class {@code className} (fully qualified) with {@code source}. */
    public PluginJarBuilder source(String className, String source) {
        sources.put(className, source);
        return this;
    }

    /** Lists {@code className} in the jar's META-INF/services file. */
    public PluginJarBuilder provider(String className) {
        providers.add(className);
        return this;
    }

    /**
     * A provider class {@code pkg.cls} named {@code name}, annotated with {@code annotation} (e.g.
     * {@code @SpiVersion(SpiVersion.CURRENT)}, or nothing), whose constructor runs {@code constructor}
     * and whose regularizer's penalty is {@code penalty}: a Java expression of {@code context} and
     * {@code calls[0]}, the number of the current call (1 at the first minibatch).
     */
    static String providerSource(String pkg, String cls, String name, String annotation, String constructor,
            String penalty) {
        return """
                package %s;

                import io.gradreg.spi.*;

                %s
                public final class %s implements RegularizerProvider {

                    public %s() {
                        %s
                    }

                    public String name() {
                        return "%s";
                    }

                    public String description() {
                        return "test plugin %s";
                    }

                    public Regularizer create(RegularizerParameters parameters) {
                        int[] calls = {0};
                        return context -> {
                            calls[0]++;
                            return %s;
                        };
                    }
                }
                """.formatted(pkg, annotation, cls, cls, constructor, name, name, penalty);
    }

    /** A jar with provider {@code pkg.Lazy}, named lazy, whose create() throws UnsupportedOperationException("not today"). */
    static PluginJarBuilder lazy(String pkg) {
        return new PluginJarBuilder().source(pkg + ".Lazy", """
                package %s;

                import io.gradreg.spi.*;

                @SpiVersion(SpiVersion.CURRENT)
                public final class Lazy implements RegularizerProvider {
                    public String name() {
                        return "lazy";
                    }

                    public String description() {
                        return "cannot create a regularizer";
                    }

                    public Regularizer create(RegularizerParameters parameters) {
                        throw new UnsupportedOperationException("not today");
                    }
                }
                """.formatted(pkg)).provider(pkg + ".Lazy");
    }

    /** Compiles the sources and writes {@code jar}. */
    public Path build(Path jar) throws IOException {
        Path work = Files.createTempDirectory(jar.getParent(), "plugin-build");
        Path src = work.resolve("src");
        Path classes = work.resolve("classes");
        List<String> files = new ArrayList<>();
        for (var e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            files.add(file.toString());
        }
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath",
                location(RegularizerProvider.class) + java.io.File.pathSeparator + location(NDArray.class),
                "--release", "17", "-proc:none"));
        args.addAll(files);
        assertTrue(javac.run(null, null, null, args.toArray(String[]::new)) == 0, "test plugin must compile");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> walk = Files.walk(classes)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                put(out, classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
            }
            if (!providers.isEmpty()) {
                put(out, "META-INF/services/" + RegularizerProvider.class.getName(),
                        (String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return jar;
    }

    private static void put(JarOutputStream out, String name, byte[] content) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(content);
        out.closeEntry();
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
