package io.gradreg.batch;

import io.gradreg.data.Mnist;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.training.Penalty;
import io.gradreg.training.TrainingConfig;
import io.gradreg.store.Database;
import io.gradreg.store.ResultsStore;
import io.gradreg.training.TorchEngine;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What jobs share in one process, created on first use: configuration, the database, PyTorch,
 * the data, the regularizers.
 *
 * <pre>
 *   gradreg.work-dir   (GRADREG_WORK_DIR)   working directory: embedded database, reports   gradreg-work
 *   gradreg.db.url     (GRADREG_DB_URL)     JDBC URL; default: H2 file in the working directory
 *   gradreg.db.user / gradreg.db.password   (GRADREG_DB_USER / GRADREG_DB_PASSWORD)
 *   gradreg.data-dir   (GRADREG_DATA_DIR)   the four MNIST files                             data/mnist
 *   gradreg.jobs-dir   (GRADREG_JOBS_DIR)   job XML files found by name                      jobs
 *   gradreg.plugins-dir (GRADREG_PLUGINS_DIR) regularizer plugin jars                       work dir/plugins
 *   gradreg.threads    (GRADREG_THREADS)    PyTorch intra-op threads per run                 1
 *   gradreg.db.outage-seconds  (GRADREG_DB_OUTAGE_SECONDS)  how long a running job waits out an
 *                      unreachable database, with backoff, before it gives up (exit 75)    60
 *   gradreg.run-lease-seconds  (GRADREG_RUN_LEASE_SECONDS)  how long a claim on a run outlives
 *                      its process: a run whose process died is taken over after this      30
 * </pre>
 */
@ApplicationScoped
public class Workspace {

    @ConfigProperty(name = "gradreg.work-dir", defaultValue = "gradreg-work")
    Path workDir;

    @ConfigProperty(name = "gradreg.db.url")
    Optional<String> dbUrl;

    @ConfigProperty(name = "gradreg.db.user")
    Optional<String> dbUser;

    @ConfigProperty(name = "gradreg.db.password")
    Optional<String> dbPassword;

    @ConfigProperty(name = "gradreg.data-dir", defaultValue = "data/mnist")
    Path dataDir;

    @ConfigProperty(name = "gradreg.jobs-dir", defaultValue = "jobs")
    Path jobsDir;

    @ConfigProperty(name = "gradreg.plugins-dir")
    Optional<Path> pluginsDir;

    @ConfigProperty(name = "gradreg.threads", defaultValue = "1")
    int threads;

    @ConfigProperty(name = "gradreg.run-lease-seconds", defaultValue = "30")
    int runLeaseSeconds;

    @ConfigProperty(name = "gradreg.db.outage-seconds", defaultValue = "60")
    int outageSeconds;

    private Database database;
    private ResultsStore store;
    private Mnist mnist;
    private TorchEngine engine;
    private Regularizers regularizers;

    public Path workDir() {
        return workDir;
    }

    public Path jobsDir() {
        return jobsDir;
    }

    /** Seconds a claim on a run lasts without renewal (see {@link io.gradreg.store.Claim}). */
    public int runLeaseSeconds() {
        if (runLeaseSeconds < 2) {
            throw new IllegalArgumentException("gradreg.run-lease-seconds (GRADREG_RUN_LEASE_SECONDS) must be at least 2, "
                    + "was " + runLeaseSeconds);
        }
        return runLeaseSeconds;
    }

    public synchronized Database database() {
        if (database == null) {
            Optional<String> url = dbUrl.filter(u -> !u.isBlank());
            if (url.isPresent()) {
                database = new Database(url.get(), dbUser.orElse(""), dbPassword.orElse(""), Math.max(0, outageSeconds));
            } else {
                try {
                    createOwnerOnly(workDir);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create the working directory " + workDir, e);
                }
                database = Database.embedded(workDir, dbUser.orElse(""), dbPassword.orElse(""), Math.max(0, outageSeconds));
            }
        }
        return database;
    }

    /**
     * Creates the working directory, if it does not exist, readable by its owner only. The embedded
     * database's files are private whatever the directory's mode (a user's {@code mkdir} makes it
     * 0755): see {@link Database#embedded}.
     */
    static void createOwnerOnly(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.toAbsolutePath().getParent() != null) {
            Files.createDirectories(dir.toAbsolutePath().getParent());
        }
        try {
            if (java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(dir);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // another process created it at the same moment
        }
    }

    /** The results store, its tables created. */
    public synchronized ResultsStore store() {
        if (store == null) {
            ResultsStore s = new ResultsStore(database());
            s.ensureSchema();
            store = s;
        }
        return store;
    }

    /**
     * PyTorch, started once with {@code gradreg.threads} intra-op threads; a step's thread calls
     * {@link TorchEngine#useOnCurrentThread()} before it trains or evaluates.
     */
    public synchronized TorchEngine engine() {
        if (engine == null) {
            engine = TorchEngine.start(threads);
        }
        return engine;
    }

    /** MNIST, verified, loaded once; starts the engine too. */
    public synchronized Mnist mnist() {
        if (mnist == null) {
            engine();
            mnist = Mnist.load(dataDir);
        }
        return mnist;
    }

    /** The directory of regularizer plugin jars; need not exist. */
    public Path pluginsDir() {
        return pluginsDir.orElseGet(() -> workDir.resolve("plugins"));
    }

    /** The built-in regularizers and the plugins of {@link #pluginsDir()}, checked, loaded once. */
    public synchronized Regularizers regularizers() {
        if (regularizers == null) {
            regularizers = Regularizers.load(pluginsDir());
        }
        return regularizers;
    }

    /** The regularizer {@code config} names, created with its parameters, ready for a training run. */
    public Penalty penalty(TrainingConfig config) {
        Regularizers all = regularizers();
        return new Penalty(all.label(config.regularizer()), all.create(config.regularizer(), config.regularizerParameters()));
    }
}
