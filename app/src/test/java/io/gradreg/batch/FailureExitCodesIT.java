package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.cli.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The exit codes of failures the platform must tell apart (docs/operations.md, "Failure behaviour"), on the
 * built application: a disk that fills while a job trains exits 74 (it exited 4, after retrying every
 * store operation for a minute as if the database were down, with JBeret's stack traces), and a
 * database file that may not be written exits 77 (it exited 70, "a bug"), an export to a full disk
 * exits 74 (it exited 70), and a penalty whose memory ran out exits 3 and leaves its run unfinished
 * (it recorded the run FAILED and exited 1); each says so in one line.
 * Needs root (to mount a small tmpfs, and to run gradreg as user nobody): skipped otherwise.
 */
class FailureExitCodesIT {

    static final String NOBODY = "65534";

    record Result(int exit, String err) {
    }

    @Test
    void aDiskThatFillsWhileTrainingExits74InOneLine() throws Exception {
        Path full = Files.createTempDirectory("gradreg-full");
        Files.setPosixFilePermissions(full, PosixFilePermissions.fromString("rwx------"));
        // room for the tables and a little training: the disk fills in the train step
        Assumptions.assumeTrue(command("mount", "-t", "tmpfs", "-o", "size=1500k", "tmpfs", full.toString()) == 0,
                "cannot mount a tmpfs here (needs root)");
        try {
            Files.setPosixFilePermissions(full, PosixFilePermissions.fromString("rwx------"));
            Result r = gradreg(List.of(), full, "run", "quickstart", "-p", "runs=1", "-p", "minibatches=200");
            assertEquals(ExitCode.IO_ERROR.code(), r.exit(), r.err());
            assertOneErrorLine(r.err());
            assertTrue(r.err().contains("No space left on device") || r.err().contains("Could not save properties")
                    || r.err().contains("Writing to"), r.err());
        } finally {
            command("umount", full.toString());
            Files.deleteIfExists(full);
        }
    }

    @Test
    void anExportToAFullDiskExits74InOneLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx------"));
        Gradreg g = new Gradreg(work, Map.of("GRADREG_METRICS_PORT", "0"));
        assertEquals(0, g.run("run", "quickstart", "-p", "runs=1", "-p", "minibatches=1", "-p", "regularizers=none")
                .exit());
        Path full = Files.createTempDirectory("gradreg-full");
        Assumptions.assumeTrue(command("mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", full.toString()) == 0,
                "cannot mount a tmpfs here (needs root)");
        try {
            try (var filler = Files.newOutputStream(full.resolve("filler"))) {
                for (int i = 0; i < 64; i++) {
                    filler.write(new byte[1024]);
                    filler.flush();
                }
                throw new AssertionError("a 4 KiB tmpfs took 64 KiB");
            } catch (IOException diskFull) {
                // as wanted: no room left
            }
            Result r = gradreg(List.of(), work, "export", "1", "-o", full.resolve("runs.json").toString());
            assertEquals(ExitCode.IO_ERROR.code(), r.exit(), "an I/O error is not a bug (it exited 70): " + r.err());
            assertOneErrorLine(r.err());
        } finally {
            command("umount", full.toString());
            Files.deleteIfExists(full);
            g.closeIfServed();
        }
    }

    @Test
    void aDatabaseFileThatMayNotBeWrittenExits77InOneLine() throws Exception {
        Path base = Files.createTempDirectory("gradreg-perm");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path work = Files.createDirectory(base.resolve("work"));
        try {
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx------"));
            assertEquals(0, gradreg(List.of(), work, "status").exit(), "creates the store");
            Assumptions.assumeTrue(command("chown", "-R", NOBODY + ":" + NOBODY, work.toString()) == 0
                    && command("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "test", "-r",
                            Gradreg.JAR.toAbsolutePath().toString()) == 0, "needs root and a jar that nobody can read");
            Files.setPosixFilePermissions(work.resolve("gradreg.mv.db"), PosixFilePermissions.fromString("r--r--r--"));
            Result r = gradreg(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"), work,
                    "run", "quickstart", "-p", "runs=1", "-p", "minibatches=5");
            assertEquals(ExitCode.NO_PERMISSION.code(), r.exit(), r.err());
            assertOneErrorLine(r.err());
        } finally {
            command("rm", "-rf", base.toString());
        }
    }

    @Test
    void aRunWhoseMemoryRanOutIsNotAFailedRunAndTheJobExits3(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        // libtorch's allocator failing inside a penalty, as DJL reports it
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder().source("test.hungry.Hungry", PluginJarBuilder.providerSource("test.hungry", "Hungry",
                "hungry", "@SpiVersion(SpiVersion.CURRENT)", "", "Alloc.fail()"))
                .source("test.hungry.Alloc", """
                        package test.hungry;

                        final class Alloc {
                            static ai.djl.ndarray.NDArray fail() {
                                throw new ai.djl.engine.EngineException("[enforce fail at alloc_cpu.cpp:117] "
                                        + "DefaultCPUAllocator: not enough memory: you tried to allocate 1099511627776 bytes.");
                            }
                        }
                        """)
                .provider("test.hungry.Hungry").build(plugins.resolve("hungry.jar"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Gradreg g = new Gradreg(work, Map.of("GRADREG_PLUGINS_DIR", plugins.toString(), "GRADREG_METRICS_PORT", "0"));
        Gradreg.Result r = g.run("run", "quickstart", "-p", "regularizers=hungry", "-p", "runs=1", "-p", "minibatches=3",
                "-p", "weight.hungry=1");
        assertEquals(ExitCode.OUT_OF_MEMORY.code(), r.exit(), r.err());
        assertOneErrorLine(r.err());
        assertTrue(r.err().contains("gradreg: out of memory in job execution 1: regularizer 'hungry' (hungry.jar) failed "
                + "at minibatch 1"), r.err());
        Gradreg.Result status = g.run("status", "1");
        assertTrue(status.out().lines().anyMatch(l -> l.startsWith("baseline/hungry/50/class#0") && !l.contains(" FAILED ")),
                "not a result: the run stays unfinished for a process with more memory\n" + status.out());
        g.closeIfServed();
    }

    /** Nothing on stderr but gradreg's own lines, and one of them the error: no stack trace, no library's log. */
    static void assertOneErrorLine(String err) {
        List<String> lines = err.lines().toList();
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("\t") || l.startsWith(" ") || l.contains(" ERROR ")
                || l.contains(" WARN ")), err);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("gradreg: ")).count(), err);
    }

    static Result gradreg(List<String> prefix, Path work, String... args) throws IOException, InterruptedException {
        ProcessBuilder b = new Gradreg(work, Map.of("GRADREG_METRICS_PORT", "0")).builder(args);
        List<String> command = new ArrayList<>(prefix);
        command.addAll(b.command());
        b.command(command);
        Path err = Files.createTempFile("gradreg-err", ".txt");
        try {
            Process p = b.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("gradreg " + String.join(" ", args) + " did not end in 5 minutes:\n"
                        + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(err));
        } finally {
            Files.delete(err);
        }
    }

    static int command(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor(1, TimeUnit.MINUTES) ? p.exitValue() : -1;
    }
}
