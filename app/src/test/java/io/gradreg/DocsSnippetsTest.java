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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The documentation cannot drift from the code. In the plugin author's pages every {@code java}
 * block must compile on its own against the SPI and DJL's API (the test class path). In every page
 * (the README, the reference pages in docs/ and the plugin pages) a fenced block preceded by
 * {@code <!-- from: PATH -->} must be an excerpt of that file (its lines, in order, indentation
 * aside), every {@code gradreg} command line of a shell block must parse with gradreg's own command
 * line (no invented command or option), and every relative link must name a file that exists
 * and, with {@code #anchor}, a heading of it. The README's "Your first experiment" is run as
 * written by {@code io.gradreg.cli.FirstExperimentIT}.
 */
class DocsSnippetsTest {

    /** The pages checked; the README's set-up and cheat-sheet and everything moved out of it. */
    static final List<String> PAGES = List.of("README.md", "docs/jobs.md", "docs/operations.md", "docs/deployment.md",
            "docs/contributing.md", "docs/plugins.md", "docs/results.md", "docs/regularizers.md", "docs/training.md",
            "docs/architecture.md", "docs/performance.md", "plugins/gradl1/README.md");

    /** Pages with shell blocks that show gradreg's command line. */
    static final List<String> COMMAND_PAGES = List.of("README.md", "docs/jobs.md", "docs/deployment.md",
            "docs/plugins.md");

    static List<String> pages() {
        return PAGES;
    }

    static List<String> commandPages() {
        return COMMAND_PAGES;
    }

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} +(.+?) *$", Pattern.MULTILINE);
    private static final Pattern FENCE = Pattern.compile("(?ms)^[ \\t]*```.*?^[ \\t]*```[ \\t]*$");

    private static final Pattern BLOCK = Pattern.compile(
            "(?:<!-- from: (\\S+) -->\\s*\\n)?[ \\t]*```(\\w*)\\n(.*?)\\n[ \\t]*```", Pattern.DOTALL);

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("pages")
    void everyFromBlockIsAnExcerptOfItsFile(String page) throws IOException {
        Matcher m = BLOCK.matcher(Files.readString(Path.of(page)));
        while (m.find()) {
            if (m.group(1) != null) {
                assertExcerpt(page, Path.of(m.group(1)), m.group(3));
            }
        }
    }

    @Test
    void theOperationsPageShowsThePrometheusConfigurationAsAnExcerpt() throws IOException {
        assertTrue(Files.readString(Path.of("docs/operations.md")).contains("<!-- from: deploy/prometheus.yml -->"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("commandPages")
    void everyGradregCommandLineParses(String page) throws IOException {
        Matcher m = BLOCK.matcher(Files.readString(Path.of(page)));
        int checked = 0;
        while (m.find()) {
            if (!m.group(2).equals("sh")) {
                continue;
            }
            for (String line : m.group(3).split("\n")) {
                for (String command : line.split("&&|;|\\|\\|")) {
                    List<String> words = words(command);
                    while (!words.isEmpty() && words.get(0).matches("\\(?[A-Z_][A-Z0-9_]*=.*")) {
                        words.remove(0); // VAR=value before the command
                    }
                    if (words.isEmpty() || !words.get(0).matches("\\(?(bin/)?gradreg")) {
                        continue;
                    }
                    String[] args = words.subList(1, words.size()).toArray(String[]::new);
                    try {
                        new picocli.CommandLine(new io.gradreg.cli.GradregCommand()).parseArgs(args);
                    } catch (picocli.CommandLine.ParameterException e) {
                        throw new AssertionError(page + ": gradreg's command line refuses '" + command.strip() + "': "
                                + e.getMessage(), e);
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked > 0, page + " shows no gradreg command line");
    }

    /** The words of a shell command: whitespace-separated, quotes grouping, a '#' word and after it a comment. */
    static List<String> words(String command) {
        List<String> out = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    out.add(word.toString());
                    word = null;
                }
            } else if (c == '#' && word == null) {
                break;
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            out.add(word.toString());
        }
        while (!out.isEmpty() && out.get(out.size() - 1).equals(")")) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    @Test
    void anInventedOptionOrCommandIsRefusedAndAnchorsAreGitHubs() throws IOException {
        org.junit.jupiter.api.Assertions.assertThrows(picocli.CommandLine.ParameterException.class,
                () -> new picocli.CommandLine(new io.gradreg.cli.GradregCommand()).parseArgs("run", "quickstart", "--fast"));
        org.junit.jupiter.api.Assertions.assertThrows(picocli.CommandLine.ParameterException.class,
                () -> new picocli.CommandLine(new io.gradreg.cli.GradregCommand()).parseArgs("resume", "4"));
        assertTrue(anchors(Path.of("docs/operations.md")).containsAll(List.of("failure-behaviour", "metrics-and-grafana")));
        assertTrue(anchors(Path.of("docs/training.md")).contains("one-10000-minibatch-run-per-regularizer-issue-2"));
    }

    @Test
    void wordsFollowTheShell() {
        assertEquals(List.of("bin/gradreg", "run", "x", "-p", "train-sizes=50/class 200/class"),
                words("bin/gradreg run x -p train-sizes=\"50/class 200/class\"   # a comment"));
        assertEquals(List.of("gradreg", "status"), words("gradreg status # 'gradreg status 4'"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("pages")
    void everyRelativeLinkNamesAFileAndHeadingThatExist(String page) throws IOException {
        Path file = Path.of(page);
        String text = FENCE.matcher(Files.readString(file)).replaceAll("");
        Matcher m = LINK.matcher(text);
        List<String> broken = new ArrayList<>();
        while (m.find()) {
            String target = m.group(1);
            if (target.matches("[a-z]+:.*")) {
                continue; // https:, mailto:
            }
            int hash = target.indexOf('#');
            String path = hash < 0 ? target : target.substring(0, hash);
            Path linked = path.isEmpty() ? file : file.resolveSibling(path).normalize();
            if (!Files.exists(linked)) {
                broken.add(target + ": no such file " + linked);
            } else if (hash >= 0 && !anchors(linked).contains(target.substring(hash + 1))) {
                broken.add(target + ": no heading of " + linked + " has the anchor #" + target.substring(hash + 1));
            }
        }
        assertTrue(broken.isEmpty(), page + " links to what does not exist:\n" + String.join("\n", broken));
    }

    /** GitHub's anchors of a Markdown file's headings (lower case, punctuation dropped, spaces as '-'). */
    static java.util.Set<String> anchors(Path markdown) throws IOException {
        java.util.Set<String> out = new java.util.HashSet<>();
        Matcher h = HEADING.matcher(FENCE.matcher(Files.readString(markdown)).replaceAll(""));
        while (h.find()) {
            out.add(h.group(1).toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "")
                    .replace(' ', '-'));
        }
        return out;
    }

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
