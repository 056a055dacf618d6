package io.gradreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plugin author's pages cannot drift from the code: a fenced block preceded by
 * {@code <!-- from: PATH -->} must be an excerpt of that file (its lines, in order, indentation
 * aside), which the build compiles and tests; every other {@code java} block must compile on its
 * own against the SPI and DJL's API (the test class path).
 */
class DocsSnippetsTest {

    private static final Pattern BLOCK = Pattern.compile(
            "(?:<!-- from: (\\S+) -->\\s*\\n)?[ \\t]*```(\\w*)\\n(.*?)\\n[ \\t]*```", Pattern.DOTALL);

    @ParameterizedTest
    @ValueSource(strings = {"docs/plugins.md", "plugins/gradl1/README.md"})
    void everyJavaBlockCompilesOrIsAnExcerptOfCheckedSource(String page, @org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        Matcher m = BLOCK.matcher(Files.readString(Path.of(page)));
        int java = 0;
        int excerpts = 0;
        while (m.find()) {
            String from = m.group(1);
            String language = m.group(2);
            String code = m.group(3);
            if (from != null) {
                assertExcerpt(page, Path.of(from), code);
                excerpts++;
                java += language.equals("java") ? 1 : 0;
            } else if (language.equals("java")) {
                compile(page, code, tmp.resolve("block" + java));
                java++;
            }
        }
        assertTrue(java > 0, page + " has no Java block");
        assertTrue(excerpts > 0, page + " has no excerpt of a source file");
    }

    private static void assertExcerpt(String page, Path file, String code) throws IOException {
        assertTrue(Files.isRegularFile(file), page + " cites " + file + ", which does not exist");
        List<String> source = stripped(Files.readString(file));
        List<String> block = stripped(code);
        assertTrue(!block.isEmpty(), page + ": empty excerpt of " + file);
        assertTrue(java.util.Collections.indexOfSubList(source, block) >= 0,
                page + ": this block is not an excerpt of " + file + " (any more):\n" + code);
    }

    private static List<String> stripped(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    private static void compile(String page, String code, Path dir) throws IOException {
        Matcher type = Pattern.compile("public (?:final |abstract )?(?:class|interface|record|enum) (\\w+)").matcher(code);
        assertTrue(type.find(), page + ": a Java block that is not an excerpt must be a whole public class:\n" + code);
        Matcher pkg = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(code);
        Path file = dir.resolve("src").resolve((pkg.find() ? pkg.group(1).replace('.', '/') + "/" : "")
                + type.group(1) + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, code);
        Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int result = javac.run(null, errors, errors, "-d", dir.resolve("classes").toString(), "-classpath",
                System.getProperty("java.class.path"), "--release", "17", "-proc:none", "-Xlint:none",
                file.toString());
        assertEquals(0, result, page + ": a Java block does not compile:\n" + code + "\n"
                + errors.toString(StandardCharsets.UTF_8));
    }
}
