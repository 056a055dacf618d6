package io.gradreg.regularizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A new plugin project from the templates in {@code plugin-template/}: a Maven project that
 * imports the SPI BOM (not gradreg's parent), a provider with one parameter, its
 * {@code META-INF/services} entry, a test with the SPI test kit, a job file, a weight-sweep job and a README.
 * {@code plugins/gradl1} is what it writes for gradl1, penalty and tests aside.
 */
public final class PluginScaffold {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");
    private static final Pattern PACKAGE = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*");
    private static final String TEMPLATES = "plugin-template/";

    /**
     * @param name the regularizer's name, as in jobs ({@code [a-z][a-z0-9_-]*})
     * @param groupId the Maven group of the plugin
     * @param javaPackage the provider's package
     * @param className the provider's class (tests: its name + Test)
     * @param description one line for {@code gradreg regularizers}
     * @param gradregVersion the gradreg (SPI BOM) version the plugin builds against
     */
    public record Plugin(String name, String groupId, String javaPackage, String className, String description,
            String gradregVersion) {

        public Plugin {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid plugin name '" + name + "': a regularizer's name is a "
                        + "lower-case letter, then lower-case letters, digits, '-' or '_'");
            }
            if (!PACKAGE.matcher(javaPackage).matches()) {
                throw new IllegalArgumentException("invalid Java package '" + javaPackage + "'");
            }
            if (!className.matches("[A-Z][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("invalid class name '" + className + "': an upper-case letter, "
                        + "then letters, digits or '_'");
            }
            if (!PACKAGE.matcher(groupId).matches()) {
                throw new IllegalArgumentException("invalid Maven group id '" + groupId + "'");
            }
            if (description.isBlank() || !description.matches("[^\"\\\\<>&\\p{Cntrl}]+")) {
                throw new IllegalArgumentException("the description must be one line without \" \\ < > &");
            }
        }

        /** {@code org.example.<name without - and _>}. */
        public static String defaultPackage(String name) {
            return "org.example." + name.replaceAll("[-_]", "");
        }

        /** The default provider class: the name's parts capitalized, e.g. grad-l1 is GradL1. */
        public static String defaultClassName(String name) {
            StringBuilder out = new StringBuilder();
            for (String part : name.split("[-_]")) {
                if (!part.isEmpty()) {
                    out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
                }
            }
            return Character.isDigit(out.charAt(0)) ? "P" + out : out.toString();
        }

        Map<String, String> variables() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("name", name);
            v.put("groupId", groupId);
            v.put("package", javaPackage);
            v.put("class", className());
            v.put("description", description);
            v.put("gradregVersion", gradregVersion);
            return v;
        }
    }

    private PluginScaffold() {
    }

    /** Writes the project into {@code directory} (absent or empty); returns the files, relative to it. */
    public static List<Path> write(Plugin plugin, Path directory) {
        try {
            if (Files.exists(directory)) {
                try (Stream<Path> entries = Files.list(directory)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("directory " + directory + " is not empty; choose another "
                                + "with --directory");
                    }
                }
            }
            List<Path> written = new ArrayList<>();
            for (Map.Entry<String, String> file : files(plugin).entrySet()) {
                Path target = directory.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
                written.add(directory.relativize(target));
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plugin project into " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Relative path to content of every file of the project. */
    public static Map<String, String> files(Plugin plugin) {
        String sources = plugin.javaPackage().replace('.', '/') + "/" + plugin.className();
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", render("pom.xml.tmpl", plugin));
        files.put("README.md", render("README.md.tmpl", plugin));
        files.put(plugin.name() + "-quickstart.xml", render("quickstart.xml.tmpl", plugin));
        files.put(plugin.name() + "-sweep.xml", render("sweep.xml.tmpl", plugin));
        files.put("src/main/java/" + sources + ".java", render("Provider.java.tmpl", plugin));
        files.put("src/main/resources/META-INF/services/io.gradreg.spi.RegularizerProvider",
                render("services.tmpl", plugin));
        files.put("src/test/java/" + sources + "Test.java", render("ProviderTest.java.tmpl", plugin));
        files.put(".gitignore", "target/\n");
        return files;
    }

    /** Template {@code template} with every {@code {{variable}}} replaced. */
    public static String render(String template, Plugin plugin) {
        String text;
        try (InputStream in = PluginScaffold.class.getResourceAsStream(TEMPLATES + template)) {
            if (in == null) {
                throw new IllegalStateException("template " + template + " is missing from gradreg's jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Map.Entry<String, String> v : plugin.variables().entrySet()) {
            text = text.replace("{{" + v.getKey() + "}}", v.getValue());
        }
        return text;
    }
}
