package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged command line in its own process, as a user or a CronJob does. */
final class Gradreg {

    static final Path JAR = Path.of(System.getProperty("gradreg.test.app-jar", "app/target/quarkus-app/quarkus-run.jar"))
            .toAbsolutePath();

    record Result(int exit, String out, String err) {
        /** The single "gradreg: ..." line on stderr. */
        String errorLine() {
            List<String> lines = err.lines().filter(l -> l.startsWith("gradreg: ")).toList();
            assertTrue(lines.size() == 1, "one error line expected:\n" + err);
            return lines.get(0);
        }
    }

    private final Path workDir;
    private final Map<String, String> env;

    /** A gradreg with its own working directory (and so its own embedded database) unless env sets a URL. */
    Gradreg(Path workDir, Map<String, String> env) {
        this.workDir = workDir;
        this.env = env;
    }

    Path workDir() {
        return workDir;
    }

    Map<String, String> env() {
        return env;
    }

    ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().put("MKL_NUM_THREADS", "1");
        builder.environment().put("GRADREG_WORK_DIR", workDir.toString());
        builder.environment().put("GRADREG_JOBS_DIR", Path.of("jobs").toAbsolutePath().toString());
        builder.environment().put("GRADREG_DATA_DIR", Path.of("data/mnist").toAbsolutePath().toString());
        builder.environment().remove("GRADREG_PLUGINS_DIR"); // the default, <work dir>/plugins, unless env sets one
        builder.environment().putAll(env);
        return builder;
    }

    Result run(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        Process p = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("gradreg " + String.join(" ", args) + " did not finish in 10 minutes");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * A connection to the database this gradreg uses. The embedded H2 database is shared in
     * auto-server mode: if no gradreg process serves it, this JVM opens it and serves it, and keeps
     * it open (gradreg's URL stores DB_CLOSE_DELAY=-1 in it) until {@link #closeIfServed}.
     */
    Connection connect() throws SQLException {
        if (!env.containsKey("GRADREG_DB_URL")) { // with the password gradreg keeps beside the database
            return io.gradreg.store.Database.embedded(workDir, env.getOrDefault("GRADREG_DB_USER", ""),
                    env.getOrDefault("GRADREG_DB_PASSWORD", ""), 0).getConnection();
        }
        return DriverManager.getConnection(env.get("GRADREG_DB_URL"), env.getOrDefault("GRADREG_DB_USER", ""),
                env.getOrDefault("GRADREG_DB_PASSWORD", ""));
    }

    /**
     * Closes the embedded database if this JVM serves it: the next gradreg process then opens (and
     * serves) it itself, as it would without a test beside it, and a test's temporary directory can
     * be deleted (an open H2 database keeps re-creating its lock file). Call it when no gradreg
     * process of this work directory runs.
     */
    void closeIfServed() throws SQLException {
        if (env.containsKey("GRADREG_DB_URL") || !Files.exists(workDir.resolve("gradreg.mv.db"))) {
            return;
        }
        try (Connection c = connect()) {
            if (c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionLocal) {
                c.createStatement().execute("SHUTDOWN");
            }
        }
    }

    /** {@code a} followed by {@code b}: a command line and more options. */
    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** {@code r}, which must have exited 0 (else its output is the failure). */
    static Result ok(Result r) {
        org.junit.jupiter.api.Assertions.assertEquals(0, r.exit(), r.out() + r.err());
        return r;
    }
}
