package io.gradreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Your first experiment", run as written: the job XML of the block marked
 * {@code <!-- first-experiment: jobs/my-first.xml -->} is saved under that name in an empty
 * directory, and each line of the block marked {@code <!-- first-experiment: commands -->} runs
 * there through {@code sh -c}, {@code bin/gradreg} being this checkout's launcher (which then finds
 * the directory's jobs/ and the checkout's MNIST, and keeps its store in ./gradreg-work, as for a
 * user in the repository root). The one change: a {@code run} that trains gets
 * {@code -p minibatches=10} at the end, so the test takes seconds, not the documented minute.
 */
class FirstExperimentIT {

    static final Path README = Path.of("README.md");
    static final Path SCRIPT = Path.of("bin/gradreg").toAbsolutePath();

    @TempDir
    Path dir;

    record Result(String command, int exit, String out, String err) {
        @Override
        public String toString() {
            return "$ " + command + "\nexit " + exit + "\n" + out + err;
        }
    }

    @Test
    void theReadmesFirstExperimentRunsAsWritten() throws Exception {
        String readme = Files.readString(README);
        String xml = block(readme, "jobs/my-first.xml", "xml");
        List<String> commands = block(readme, "commands", "sh").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        String sample = block(readme, "output", "text");

        Files.createDirectories(dir.resolve("jobs"));
        Files.writeString(dir.resolve("jobs/my-first.xml"), xml + "\n");

        List<Result> results = new ArrayList<>();
        for (String line : commands) {
            String command = line.replaceFirst("\\s+#.*$", "");
            if (command.matches("bin/gradreg run .*") && !command.contains("--dry-run")) {
                command += " -p minibatches=10";
            }
            Result r = sh(command);
            assertEquals(0, r.exit, r.toString());
            results.add(r);
        }

        List<Result> dryRuns = results.stream().filter(r -> r.command.contains("--dry-run")).toList();
        assertTrue(dryRuns.size() >= 1, "the README shows no --dry-run: " + commands);
        for (Result r : dryRuns) {
            assertTrue(r.out.contains("Nothing was started."), r.toString());
        }
        assertTrue(dryRuns.get(0).out.contains("4 runs planned"), dryRuns.get(0).toString());

        Result run = results.stream().filter(r -> r.command.matches("bin/gradreg run my-first -p minibatches=10"))
                .findFirst().orElseThrow(() -> new AssertionError("no 'bin/gradreg run my-first' in " + commands));
        String header = sample.lines().filter(l -> l.startsWith("| architecture")).findFirst()
                .orElseThrow(() -> new AssertionError("the README's sample report has no table:\n" + sample));
        assertTrue(run.out.lines().anyMatch(header::equals), "the report's table is not the README's:\n" + run);
        assertTrue(run.out.lines().anyMatch(l -> l.matches("\\| baseline \\| 100/class \\| \\d+\\.\\d\\d \\(\\d+\\.\\d\\d\\) n=2 "
                + "\\| \\d+\\.\\d\\d \\(\\d+\\.\\d\\d\\) n=2 \\|")), run.toString());
        assertTrue(run.out.contains("baseline/doubleback/100/class = 50 (1 in mean units)"), run.toString());

        Result status = results.stream().filter(r -> r.command.startsWith("bin/gradreg status")).findFirst().orElseThrow();
        assertTrue(status.out.contains("COMPLETED"), status.toString());
        Result ls = results.stream().filter(r -> r.command.startsWith("ls ")).findFirst().orElseThrow();
        for (String file : new String[] {"report.md", "report.csv", "report.json", "report.html"}) {
            assertTrue(ls.out.lines().anyMatch(file::equals), file + " missing: " + ls);
        }
    }

    /** The fenced block of this language after the marker {@code <!-- first-experiment: NAME -->}. */
    static String block(String readme, String name, String language) {
        Matcher m = Pattern.compile("<!-- first-experiment: " + Pattern.quote(name) + " -->\\s*\\n```" + language
                + "\\n(.*?)\\n```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has no " + language + " block marked 'first-experiment: " + name + "'");
        return m.group(1);
    }

    private Result sh(String command) throws IOException, InterruptedException {
        String script = command.replaceAll("(^|\\s)bin/gradreg(?=\\s|$)", "$1sh '" + SCRIPT + "'");
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", script).directory(dir.toFile());
        for (String variable : List.of("GRADREG_JOBS_DIR", "GRADREG_DATA_DIR", "GRADREG_WORK_DIR", "GRADREG_DB_URL",
                "GRADREG_DB_USER", "GRADREG_DB_PASSWORD", "GRADREG_PLUGINS_DIR", "GRADREG_EXPERIMENT_ID",
                "JOB_COMPLETION_INDEX", "GRADREG_SHARDS", "GRADREG_METRICS_PUSHGATEWAY_URL")) {
            builder.environment().remove(variable);
        }
        builder.environment().put("GRADREG_METRICS_PORT", "0"); // another job may hold 9494 and the next ports
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path out = Files.createTempFile("out", ".txt");
        Path err = Files.createTempFile("err", ".txt");
        try {
            Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in 5 minutes");
            }
            return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
