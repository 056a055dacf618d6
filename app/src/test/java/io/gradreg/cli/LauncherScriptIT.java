package io.gradreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/gradreg}, the launcher the README tells users to run: its choice of memory allocator
 * ({@code GRADREG_MALLOC}), as the process itself reports it in the header of {@code bench}.
 */
class LauncherScriptIT {

    static final Path SCRIPT = Path.of("bin/gradreg").toAbsolutePath();
    static final String[] TINY_BENCH = {"bench", "-r", "none", "--warmup", "1", "--windows", "1", "--window", "2"};

    @TempDir
    Path workDir;

    record Result(int exit, String out, String err) {
        String header() {
            return out.lines().filter(l -> l.startsWith("# gradreg bench:")).findFirst().orElse("(no header)\n" + out
                    + err);
        }
    }

    static final String KEEP = "MALLOC_MMAP_THRESHOLD_=33554432, MALLOC_TRIM_THRESHOLD_=1073741824";

    @Test
    void glibcKeepingFreedBlocksIsTheDefault() throws Exception {
        assertAllocator(Map.of(), "glibc (" + KEEP + ")");
        assertAllocator(Map.of("GRADREG_MALLOC", "glibc"), "glibc (" + KEEP + ")");
    }

    @Test
    void explicitSettingsWin() throws Exception {
        assertAllocator(Map.of("MALLOC_TRIM_THRESHOLD_", "2147483648"),
                "glibc (MALLOC_MMAP_THRESHOLD_=33554432, MALLOC_TRIM_THRESHOLD_=2147483648)");
    }

    @Test
    void systemLeavesTheEnvironmentAlone() throws Exception {
        assertAllocator(Map.of("GRADREG_MALLOC", "system"), "glibc defaults");
    }

    private void assertAllocator(Map<String, String> env, String expected) throws Exception {
        Result r = run(env, TINY_BENCH);
        assertEquals(0, r.exit, r.err);
        assertTrue(r.header().endsWith(", malloc " + expected), env + ": " + r.header());
    }

    @Test
    void anUnknownChoiceIsRefused() throws Exception {
        Result r = run(Map.of("GRADREG_MALLOC", "fast"), "--version");
        assertEquals(2, r.exit);
        assertEquals("gradreg: GRADREG_MALLOC must be glibc or system, not 'fast'\n", r.err);
        assertFalse(r.err.contains("Exception"));
    }

    @Test
    void outsideTheCheckoutTheCheckoutsJobsAndDataAreFound() throws Exception {
        Path elsewhere = Files.createDirectories(workDir.resolve("elsewhere"));
        Result r = run(elsewhere, Map.of("GRADREG_JOBS_DIR", "", "GRADREG_DATA_DIR", ""), "jobs");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.lines().anyMatch(l -> l.startsWith("quickstart ")), r.out);
        Path empty = Files.createDirectories(workDir.resolve("no-jobs"));
        Result none = run(elsewhere, Map.of("GRADREG_JOBS_DIR", empty.toString()), "jobs");
        assertEquals(2, none.exit, none.out + none.err);
        assertEquals("gradreg: no jobs to list: the jobs directory " + empty + " has no job files (set gradreg.jobs-dir "
                + "or GRADREG_JOBS_DIR to the jobs/ of a gradreg checkout, which bin/gradreg does when it is unset)\n",
                none.err);
    }

    private Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(null, env, args);
    }

    private Result run(Path directory, Map<String, String> env, String... args) throws IOException,
            InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of("sh", SCRIPT.toString()),
                Stream.of(args)).toList());
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        for (String variable : List.of("GRADREG_MALLOC", "LD_PRELOAD", "MALLOC_MMAP_THRESHOLD_",
                "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")) {
            builder.environment().remove(variable);
        }
        builder.environment().put("GRADREG_WORK_DIR", workDir.toString());
        builder.environment().put("GRADREG_DATA_DIR", Path.of("data/mnist").toAbsolutePath().toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        builder.environment().values().removeIf(String::isEmpty); // "" in env: unset
        Path out = workDir.resolve("out.txt");
        Path err = workDir.resolve("err.txt");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("bin/gradreg " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
