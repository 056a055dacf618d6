package io.gradreg.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules a Dockerfile keeps: every COPY source is admitted by its .dockerignore, no step hides a
 * failure behind "|| true", the Maven reactor is "-pl app -am", and the runtime image lays libtorch
 * down before the application and ships it once; and a Maven stage run without a container engine
 * ({@link #buildMavenStage}): its COPY lines copy from the repository (the build context) into a
 * temporary directory and its RUN mvn lines run there, word for word, so a module a Dockerfile
 * forgets to copy fails as it would in docker build ("Child module ... does not exist"; proven here
 * on a broken copy, in seconds). DockerfileMavenStagesIT builds both images' Maven stages in full.
 */
class DockerfilesTest {

    static final Path DOCKER = Path.of("deploy/docker");

    /** One instruction, continuation lines joined. */
    record Instruction(String keyword, String args) {

        /** The words of a COPY without its --flags. */
        List<String> copyWords() {
            return Arrays.stream(args.trim().split("\\s+")).filter(w -> !w.startsWith("--")).toList();
        }

        boolean copiesFromContext() {
            return keyword.equals("COPY") && !args.contains("--from=");
        }
    }

    /** A stage: its name (or base image) and instructions. */
    record Stage(String name, List<Instruction> instructions) {
    }

    @Test
    void aModuleTheDockerfileDoesNotCopyFailsTheBuild(@TempDir Path tmp) throws Exception {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile.native"));
        String broken = ManifestsTest.edit(dockerfile, "COPY spi/pom.xml spi/\n", "");
        AssertionError e = assertThrows(AssertionError.class,
                () -> buildMavenStage(stage(parse(broken), "sources"), tmp));
        assertTrue(e.getMessage().contains("Child module") && e.getMessage().contains("spi"), e.getMessage());
    }

    @Test
    void everyDockerfileKeepsTheRules() throws IOException {
        for (String name : List.of("Dockerfile.jvm", "Dockerfile.native")) {
            assertRules(name, Files.readString(DOCKER.resolve(name)), Files.readString(DOCKER.resolve(name + ".dockerignore")));
        }
        List<Stage> jvm = parse(Files.readString(DOCKER.resolve("Dockerfile.jvm")));
        assertLibtorchFirstAndOnce(jvm);
    }

    @Test
    void aBrokenDockerfileBreaksARule() throws IOException {
        String jvm = Files.readString(DOCKER.resolve("Dockerfile.jvm"));
        String ignore = Files.readString(DOCKER.resolve("Dockerfile.jvm.dockerignore"));
        String hidden = ManifestsTest.edit(jvm, "-DexcludeReactor=true\n", "-DexcludeReactor=true || true\n");
        assertTrue(assertThrows(AssertionError.class, () -> assertRules("copy", hidden, ignore)).getMessage()
                .contains("|| true"));
        String wholeReactor = ManifestsTest.edit(jvm, "RUN mvn -B -q -pl app -am package", "RUN mvn -B -q package");
        assertThrows(AssertionError.class, () -> assertRules("copy", wholeReactor, ignore));
        String ignored = ManifestsTest.edit(ignore, "!spi/src/\n", "");
        assertTrue(assertThrows(AssertionError.class, () -> assertRules("copy", jvm, ignored)).getMessage()
                .contains("spi/src"));
        String appFirst = ManifestsTest.edit(jvm, "COPY --from=djl-cache --chown=185 /opt/djl /opt/djl\n", "")
                + "COPY --from=djl-cache --chown=185 /opt/djl /opt/djl\n";
        assertThrows(AssertionError.class, () -> assertLibtorchFirstAndOnce(parse(appFirst)));
        String twice = ManifestsTest.edit(jvm, "COPY --from=djl-cache --chown=185 /opt/lib/ /deployments/lib/",
                "COPY --from=build --chown=185 /src/app/target/quarkus-app/lib/ /deployments/lib/");
        assertThrows(AssertionError.class, () -> assertLibtorchFirstAndOnce(parse(twice)));
    }

    // ---- the rules ----

    static void assertRules(String name, String dockerfile, String dockerignore) {
        for (Stage stage : parse(dockerfile)) {
            for (Instruction i : stage.instructions()) {
                if (i.keyword().equals("RUN")) {
                    assertFalse(i.args().matches("(?s).*\\|\\|\\s*true.*"), name + ": '|| true' hides a failure: " + i.args());
                    if (i.args().startsWith("mvn ")) {
                        assertTrue(i.args().contains(" -pl app -am "), name + ": the reactor of the application is "
                                + "'-pl app -am' (spi and app): " + i.args());
                    }
                }
                if (i.copiesFromContext()) {
                    List<String> words = i.copyWords();
                    for (String source : words.subList(0, words.size() - 1)) {
                        assertTrue(admitted(dockerignore, source), name + ": COPY " + source
                                + " is excluded from the build context by " + name + ".dockerignore");
                    }
                }
            }
        }
    }

    /** The runtime image: libtorch's layer before the application's, and lib/ without libtorch's jar contents. */
    static void assertLibtorchFirstAndOnce(List<Stage> stages) {
        List<Instruction> runtime = stages.get(stages.size() - 1).instructions();
        int libtorch = -1;
        int firstApp = -1;
        for (int i = 0; i < runtime.size(); i++) {
            String args = runtime.get(i).args();
            if (runtime.get(i).keyword().equals("COPY") && args.contains("/opt/djl")) {
                libtorch = i;
            }
            if (runtime.get(i).keyword().equals("COPY") && args.contains("/deployments/") && firstApp < 0
                    && !args.contains("data/mnist") && !args.contains("jobs")) {
                firstApp = i;
            }
            assertFalse(args.contains("quarkus-app/lib"), "lib/ straight from the build ships libtorch a second time "
                    + "(inside pytorch-native-cpu's jar): " + args);
        }
        assertTrue(libtorch >= 0 && libtorch < firstApp, "libtorch (/opt/djl, ~450 MB) is laid down before the "
                + "application, so a new build reuses its layer");
        Stage djl = stages.stream().filter(s -> s.name().equals("djl-cache")).findFirst().orElseThrow();
        assertTrue(djl.instructions().stream().anyMatch(i -> i.keyword().equals("RUN")
                && i.args().matches("zip -q -d \\S*pytorch-native-cpu\\S* 'pytorch/\\*'")),
                "the jar keeps its classes and properties, not its libraries");
    }

    /** Whether a .dockerignore of the form "*" then "!path" lines admits {@code source}. */
    static boolean admitted(String dockerignore, String source) {
        String path = source.replaceAll("^\\./|/$", "");
        boolean in = true;
        for (String line : dockerignore.lines().map(String::strip).toList()) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.equals("*")) {
                in = false;
            } else if (line.startsWith("!")) {
                String allowed = line.substring(1).replaceAll("/$", "");
                if (path.equals(allowed) || path.startsWith(allowed + "/")) {
                    in = true;
                }
            } else {
                throw new AssertionError("this test reads only '*' and '!path' lines: " + line);
            }
        }
        return in;
    }

    // ---- running a stage ----

    static List<Stage> parse(String dockerfile) {
        List<Stage> stages = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String raw : dockerfile.lines().toList()) {
            if (raw.strip().startsWith("#") && line.isEmpty()) {
                continue;
            }
            if (raw.endsWith("\\")) {
                line.append(raw, 0, raw.length() - 1).append(' ');
                continue;
            }
            line.append(raw);
            String text = line.toString().strip().replaceAll("\\s+", " ");
            line.setLength(0);
            if (text.isEmpty()) {
                continue;
            }
            String[] parts = text.split(" ", 2);
            Instruction i = new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : "");
            if (i.keyword().equals("FROM")) {
                String[] from = i.args().split(" ");
                stages.add(new Stage(from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : from[0],
                        new ArrayList<>()));
            } else {
                stages.get(stages.size() - 1).instructions().add(i);
            }
        }
        return stages;
    }

    static Stage stage(List<Stage> stages, String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no stage " + name));
    }

    /**
     * Runs the stage's WORKDIR, COPY (from the context) and RUN mvn instructions under {@code root}
     * (container paths map to root + path); other RUNs (package managers, scripts) are not Maven's
     * and are left out. Returns the log; throws with it when a mvn command fails.
     */
    static String buildMavenStage(Stage stage, Path root) throws IOException, InterruptedException {
        Path workdir = root;
        StringBuilder log = new StringBuilder();
        for (Instruction i : stage.instructions()) {
            switch (i.keyword()) {
                case "WORKDIR" -> {
                    workdir = root.resolve(i.args().replaceAll("^/", ""));
                    Files.createDirectories(workdir);
                }
                case "COPY" -> {
                    if (i.copiesFromContext()) {
                        List<String> words = i.copyWords();
                        String dest = words.get(words.size() - 1);
                        for (String source : words.subList(0, words.size() - 1)) {
                            copy(Path.of(source), dest.startsWith("/") ? root.resolve(dest.substring(1)).toString()
                                    + (dest.endsWith("/") ? "/" : "") : dest, workdir);
                        }
                    }
                }
                case "RUN" -> {
                    if (i.args().startsWith("mvn ")) {
                        log.append("$ ").append(i.args()).append('\n');
                        ProcessBuilder pb = new ProcessBuilder("sh", "-c", i.args()).directory(workdir.toFile())
                                .redirectErrorStream(true);
                        String mavenHome = System.getProperty("gradreg.test.maven-home");
                        if (mavenHome != null) { // the Maven that runs this build, first on the PATH
                            pb.environment().merge("PATH", mavenHome + "/bin", (path, bin) -> bin + ":" + path);
                        }
                        Process p = pb.start();
                        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        assertTrue(p.waitFor(15, TimeUnit.MINUTES), i.args());
                        log.append(out).append(out.endsWith("\n") ? "" : "\n");
                        if (p.exitValue() != 0) {
                            throw new AssertionError("RUN " + i.args() + " failed (exit " + p.exitValue() + "):\n"
                                    + tail(out, 40));
                        }
                    }
                }
                default -> {
                }
            }
        }
        return log.toString();
    }

    /** COPY's rules: a directory's contents go into dest; a dest ending in '/' is a directory (dest resolved in workdir). */
    static void copy(Path source, String dest, Path workdir) throws IOException {
        assertTrue(Files.exists(source), "COPY " + source + ": not in the repository");
        Path target = workdir.resolve(dest);
        if (Files.isDirectory(source)) {
            try (Stream<Path> files = Files.walk(source)) {
                for (Path f : files.toList()) {
                    Path t = target.resolve(source.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(f, t, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } else {
            Path t = dest.endsWith("/") || dest.equals(".") ? target.resolve(source.getFileName().toString()) : target;
            Files.createDirectories(t.getParent());
            Files.copy(source, t, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Test
    void theDockerignoreReaderKnowsWhatItAdmits() {
        String ignore = "*\n!app/src/\n!pom.xml\n";
        assertTrue(admitted(ignore, "app/src"));
        assertTrue(admitted(ignore, "app/src/main"));
        assertTrue(admitted(ignore, "./pom.xml"));
        assertFalse(admitted(ignore, "app/pom.xml"));
        assertNotEquals(admitted(ignore, "spi/src"), true);
    }
}
