package io.gradreg.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit a build records ({@code gradreg-git.properties}, hence every run's {@code trainedBy}) is
 * the commit of the checkout being built, also when that checkout is a {@code git worktree}: the
 * results' READMEs tell users to train from {@code git worktree add ../repro COMMIT}, and a build
 * there once recorded the main checkout's commit instead (the commit-id plugin ran native git in the
 * main repository), so that runs named code that did not train them.
 */
class BuildProvenanceIT {

    private static final Path TOP = Path.of("").toAbsolutePath();

    @TempDir
    Path tmp;

    @Test
    void aBuildInAGitWorktreeRecordsTheWorktreesCommit() throws Exception {
        assumeTrue(Files.exists(TOP.resolve(".git")), "not a git checkout");
        Path worktree = tmp.resolve("repro");
        String mainHead = git(TOP, "rev-parse", "HEAD");
        git(TOP, "worktree", "add", "--detach", worktree.toString(), "HEAD");
        try {
            // a commit of the worktree's own, so that its HEAD differs from the main checkout's
            git(worktree, "-c", "user.name=gradreg test", "-c", "user.email=test@gradreg.invalid", "commit",
                    "--allow-empty", "-q", "-m", "a commit only this worktree has");
            String worktreeHead = git(worktree, "rev-parse", "HEAD");
            assertNotEquals(mainHead, worktreeHead);

            // the build's initialize phase writes gradreg-git.properties (offline: the build that runs
            // this test has every plugin it needs in the local repository)
            run(worktree, List.of("mvn", "-B", "-q", "-o", "-f", "app/pom.xml", "initialize"));
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(worktree.resolve("app/target/classes/gradreg-git.properties"))) {
                p.load(in);
            }
            assertEquals(worktreeHead, p.getProperty("git.commit.id"), "the worktree's build names another commit");
            assertEquals("false", p.getProperty("git.dirty"), "a clean worktree was recorded as dirty");
        } finally {
            git(TOP, "worktree", "remove", "--force", worktree.toString());
        }
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        return run(dir.getParent(), command);
    }

    private static String run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + ": timed out");
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out.strip();
    }
}
