package io.gradreg.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * Results and run state in JDBC tables beside JBeret's job repository (same database):
 *
 * <ul>
 *   <li>{@code gradreg_job}: each job instance's XML and parameters, so it can be restarted;
 *   <li>{@code gradreg_subset}: each run's training subset as drawn by the sample step;
 *   <li>{@code gradreg_run}: one row per planned run, keyed by (job instance, run key), so a run
 *       can never be recorded twice; its status, progress and outcome;
 *   <li>{@code gradreg_checkpoint}: the latest checkpoint of each unfinished run;
 *   <li>{@code gradreg_claim}: which process trains a run, with a lease on the database's clock,
 *       so that two processes never train (and record) the same run;
 *   <li>{@code gradreg_experiment}, {@code gradreg_shard}: the experiments run as shards, each
 *       with the job instance under which all its shards record their runs.
 * </ul>
 *
 * Every write is one transaction. Works on H2 and PostgreSQL.
 */
public final class ResultsStore {

    private final Database database;

    public ResultsStore(Database database) {
        this.database = database;
    }

    public Database database() {
        return database;
    }

    /** Creates the tables if they do not exist. */
    public void ensureSchema() {
        String blob = database.isPostgres() ? "BYTEA" : "BLOB";
        String text = database.isPostgres() ? "TEXT" : "CLOB";
        String[] ddl = {
            "CREATE TABLE IF NOT EXISTS gradreg_job (instance_id BIGINT PRIMARY KEY, job_name VARCHAR(200) NOT NULL, "
                    + "source VARCHAR(2000), job_xml " + text + " NOT NULL, parameters " + text + ", created_at TIMESTAMP)",
            "CREATE TABLE IF NOT EXISTS gradreg_subset (instance_id BIGINT NOT NULL, train_size VARCHAR(40) NOT NULL, "
                    + "seed BIGINT NOT NULL, size_count INT NOT NULL, sha256 VARCHAR(64) NOT NULL, indices " + blob
                    + " NOT NULL, PRIMARY KEY (instance_id, train_size, seed))",
            "CREATE TABLE IF NOT EXISTS gradreg_run (instance_id BIGINT NOT NULL, run_key VARCHAR(400) NOT NULL, "
                    + "experiment VARCHAR(200), architecture VARCHAR(40), regularizer VARCHAR(100), weight DOUBLE PRECISION, "
                    + "train_size VARCHAR(40), run_index INT, seed BIGINT, minibatches INT, status VARCHAR(20) NOT NULL, "
                    + "minibatches_done INT NOT NULL, test_accuracy DOUBLE PRECISION, test_loss DOUBLE PRECISION, "
                    + "final_loss DOUBLE PRECISION, final_penalty DOUBLE PRECISION, train_seconds DOUBLE PRECISION, "
                    + "message VARCHAR(2000), job_execution_id BIGINT, updated_at TIMESTAMP, plan_order INT NOT NULL, "
                    + "resumed_from INT, trained_by VARCHAR(200), PRIMARY KEY (instance_id, run_key))",
            // stores created before runs recorded the build that trained them
            "ALTER TABLE gradreg_run ADD COLUMN IF NOT EXISTS trained_by VARCHAR(200)",
            "CREATE TABLE IF NOT EXISTS gradreg_checkpoint (instance_id BIGINT NOT NULL, run_key VARCHAR(400) NOT NULL, "
                    + "minibatch INT NOT NULL, data " + blob + " NOT NULL, PRIMARY KEY (instance_id, run_key))",
            "CREATE TABLE IF NOT EXISTS gradreg_claim (instance_id BIGINT NOT NULL, run_key VARCHAR(400) NOT NULL, "
                    + "owner VARCHAR(400) NOT NULL, owner_execution BIGINT NOT NULL, lease_until TIMESTAMP NOT NULL, "
                    + "PRIMARY KEY (instance_id, run_key))",
            "CREATE TABLE IF NOT EXISTS gradreg_experiment (experiment_id VARCHAR(200) PRIMARY KEY, "
                    + "results_instance BIGINT NOT NULL, fingerprint VARCHAR(64) NOT NULL, "
                    + "job_name VARCHAR(200) NOT NULL, created_at TIMESTAMP)",
            "CREATE TABLE IF NOT EXISTS gradreg_shard (instance_id BIGINT PRIMARY KEY, "
                    + "experiment_id VARCHAR(200) NOT NULL, shard_index INT NOT NULL, shard_count INT NOT NULL)"
        };
        database.withSchemaLock(() -> {
            try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
                for (String sql : ddl) {
                    s.execute(sql);
                }
            } catch (SQLException e) {
                throw fail("create the gradreg tables", e);
            }
            return null;
        });
    }

    // ---- jobs ----

    /** What was started, so that {@code restart} can parse the same job again. */
    public record JobSource(long instanceId, String jobName, String source, String xml, Properties parameters) {
    }

    public void recordJob(long instanceId, String jobName, String source, String xml, Properties parameters) {
        insertIgnoringDuplicate("INSERT INTO gradreg_job (instance_id, job_name, source, job_xml, parameters, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, jobName);
                    ps.setString(3, source);
                    ps.setString(4, xml);
                    ps.setString(5, write(parameters));
                    ps.setTimestamp(6, Timestamp.from(Instant.now()));
                });
    }

    /** Instance ids of every job gradreg started, oldest first. */
    public List<Long> jobInstances() {
        List<Long> ids = new ArrayList<>();
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT instance_id FROM gradreg_job ORDER BY instance_id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw fail("list the jobs", e);
        }
        return ids;
    }

    public Optional<JobSource> job(long instanceId) {
        return queryOne("SELECT job_name, source, job_xml, parameters FROM gradreg_job WHERE instance_id = ?",
                ps -> ps.setLong(1, instanceId),
                rs -> new JobSource(instanceId, rs.getString(1), rs.getString(2), rs.getString(3), read(rs.getString(4))));
    }

    // ---- subsets ----

    /** Records the subset of (size, seed) unless already recorded; returns what is recorded. */
    public int[] recordSubset(long instanceId, String trainSize, long seed, int[] indices) {
        insertIgnoringDuplicate("INSERT INTO gradreg_subset (instance_id, train_size, seed, size_count, sha256, indices) "
                + "VALUES (?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, trainSize);
                    ps.setLong(3, seed);
                    ps.setInt(4, indices.length);
                    ps.setString(5, sha256(indices));
                    ps.setBytes(6, compress(indices));
                });
        return subset(instanceId, trainSize, seed).orElseThrow();
    }

    public Optional<int[]> subset(long instanceId, String trainSize, long seed) {
        return queryOne("SELECT indices, sha256 FROM gradreg_subset WHERE instance_id = ? AND train_size = ? AND seed = ?",
                ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, trainSize);
                    ps.setLong(3, seed);
                }, rs -> {
                    int[] indices = decompress(rs.getBytes(1));
                    if (!sha256(indices).equals(rs.getString(2))) {
                        throw new SQLException("recorded subset " + trainSize + " seed " + seed + " fails its checksum");
                    }
                    return indices;
                });
    }

    /** SHA-256 of the subset recorded for (size, seed), if one is. */
    public Optional<String> subsetChecksum(long instanceId, String trainSize, long seed) {
        return queryOne("SELECT sha256 FROM gradreg_subset WHERE instance_id = ? AND train_size = ? AND seed = ?",
                ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, trainSize);
                    ps.setLong(3, seed);
                }, rs -> rs.getString(1));
    }

    /** The checksum gradreg records for a subset: SHA-256 of its indices as big-endian 32-bit integers. */
    public static String subsetChecksum(int[] indices) {
        return sha256(indices);
    }

    // ---- runs ----

    /** Plans a run unless it is already planned (restarts and repeated sample steps are harmless). */
    public void planRun(RunRecord run, int planOrder) {
        insertIgnoringDuplicate("INSERT INTO gradreg_run (instance_id, run_key, experiment, architecture, regularizer, "
                + "weight, train_size, run_index, seed, minibatches, status, minibatches_done, updated_at, plan_order) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)", ps -> {
                    ps.setLong(1, run.instanceId());
                    ps.setString(2, run.runKey());
                    ps.setString(3, run.experiment());
                    ps.setString(4, run.architecture());
                    ps.setString(5, run.regularizer());
                    ps.setDouble(6, run.weight());
                    ps.setString(7, run.trainSize());
                    ps.setInt(8, run.runIndex());
                    ps.setLong(9, run.seed());
                    ps.setInt(10, run.minibatches());
                    ps.setString(11, RunStatus.PLANNED.name());
                    ps.setTimestamp(12, Timestamp.from(Instant.now()));
                    ps.setInt(13, planOrder);
                });
    }

    public List<RunRecord> runs(long instanceId) {
        List<RunRecord> runs = new ArrayList<>();
        try (Connection c = database.getConnection();
                PreparedStatement ps = c.prepareStatement(SELECT_RUN + " WHERE instance_id = ? ORDER BY plan_order")) {
            ps.setLong(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    runs.add(toRun(rs));
                }
            }
        } catch (SQLException e) {
            throw fail("read the runs of job instance " + instanceId, e);
        }
        return runs;
    }

    public Optional<RunRecord> run(long instanceId, String runKey) {
        return queryOne(SELECT_RUN + " WHERE instance_id = ? AND run_key = ?", ps -> {
            ps.setLong(1, instanceId);
            ps.setString(2, runKey);
        }, ResultsStore::toRun);
    }

    public void markTraining(long instanceId, String runKey, long executionId) {
        update("UPDATE gradreg_run SET status = ?, job_execution_id = ?, message = NULL, updated_at = ? "
                + "WHERE instance_id = ? AND run_key = ?", ps -> {
                    ps.setString(1, RunStatus.TRAINING.name());
                    ps.setLong(2, executionId);
                    ps.setTimestamp(3, Timestamp.from(Instant.now()));
                    ps.setLong(4, instanceId);
                    ps.setString(5, runKey);
                });
    }

    /** Notes that a run continues from its checkpoint at {@code minibatch} instead of from scratch. */
    public void markResumed(long instanceId, String runKey, int minibatch) {
        update("UPDATE gradreg_run SET resumed_from = ?, updated_at = ? WHERE instance_id = ? AND run_key = ?", ps -> {
            ps.setInt(1, minibatch);
            ps.setTimestamp(2, Timestamp.from(Instant.now()));
            ps.setLong(3, instanceId);
            ps.setString(4, runKey);
        });
    }

    /**
     * Stores a checkpoint and the progress it represents, atomically, and renews the claim; throws
     * {@link ClaimLostException} (writing nothing) if the claim was lost.
     */
    public void saveCheckpoint(Claim claim, int minibatch, byte[] data) {
        long instanceId = claim.instanceId();
        String runKey = claim.runKey();
        inTransaction("save the checkpoint of run " + runKey, c -> {
            fence(c, claim);
            upsertCheckpoint(c, instanceId, runKey, minibatch, data);
            try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_run SET minibatches_done = ?, updated_at = ? "
                    + "WHERE instance_id = ? AND run_key = ?")) {
                ps.setInt(1, minibatch);
                ps.setTimestamp(2, Timestamp.from(Instant.now()));
                ps.setLong(3, instanceId);
                ps.setString(4, runKey);
                ps.executeUpdate();
            }
        });
    }

    public Optional<byte[]> checkpoint(long instanceId, String runKey) {
        return queryOne("SELECT data FROM gradreg_checkpoint WHERE instance_id = ? AND run_key = ?", ps -> {
            ps.setLong(1, instanceId);
            ps.setString(2, runKey);
        }, rs -> rs.getBytes(1));
    }

    /**
     * The final parameters of a trained run, for its evaluation; empty if the run is no longer
     * TRAINED because another process (a duplicate shard) evaluated it since this one listed it,
     * which deletes them. A TRAINED run without parameters is a damaged store.
     */
    public Optional<byte[]> trainedParameters(long instanceId, String runKey) {
        Optional<byte[]> state = checkpoint(instanceId, runKey);
        if (state.isPresent()) {
            return state;
        }
        RunStatus now = run(instanceId, runKey).map(RunRecord::status).orElse(null);
        if (now == RunStatus.EVALUATED) {
            return Optional.empty();
        }
        throw new StoreException("run " + runKey + " of job instance " + instanceId + " is " + now
                + " but its parameters are missing from table gradreg_checkpoint (deleted outside gradreg?); run the "
                + "job again with 'gradreg run', which trains its runs afresh");
    }

    /**
     * Training finished: the final parameters (as a checkpoint) and the training outcome, atomically,
     * if the claim still holds (else {@link ClaimLostException} and nothing is written).
     */
    public void markTrained(Claim claim, int minibatches, byte[] finalState, double finalLoss,
            double finalPenalty, double trainSeconds, String trainedBy) {
        long instanceId = claim.instanceId();
        String runKey = claim.runKey();
        inTransaction("record the end of run " + runKey, c -> {
            fence(c, claim);
            upsertCheckpoint(c, instanceId, runKey, minibatches, finalState);
            try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_run SET status = ?, minibatches_done = ?, "
                    + "final_loss = ?, final_penalty = ?, train_seconds = ?, updated_at = ?, trained_by = ? "
                    + "WHERE instance_id = ? AND run_key = ?")) {
                ps.setString(1, RunStatus.TRAINED.name());
                ps.setInt(2, minibatches);
                ps.setDouble(3, finalLoss);
                ps.setDouble(4, finalPenalty);
                ps.setDouble(5, trainSeconds);
                ps.setTimestamp(6, Timestamp.from(Instant.now()));
                ps.setString(7, trainedBy);
                ps.setLong(8, instanceId);
                ps.setString(9, runKey);
                ps.executeUpdate();
            }
        });
    }

    /**
     * Evaluation done: the accuracy, and the run's parameters are no longer kept. Only a TRAINED run
     * becomes EVALUATED, so two processes evaluating the same run record it once.
     */
    public void markEvaluated(long instanceId, String runKey, double accuracy, double loss) {
        inTransaction("record the test accuracy of run " + runKey, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_run SET status = ?, test_accuracy = ?, "
                    + "test_loss = ?, updated_at = ? WHERE instance_id = ? AND run_key = ? AND status = ?")) {
                ps.setString(1, RunStatus.EVALUATED.name());
                ps.setDouble(2, accuracy);
                ps.setDouble(3, loss);
                ps.setTimestamp(4, Timestamp.from(Instant.now()));
                ps.setLong(5, instanceId);
                ps.setString(6, runKey);
                ps.setString(7, RunStatus.TRAINED.name());
                if (ps.executeUpdate() == 0) {
                    return;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM gradreg_checkpoint WHERE instance_id = ? AND run_key = ?")) {
                ps.setLong(1, instanceId);
                ps.setString(2, runKey);
                ps.executeUpdate();
            }
        });
    }

    public void markFailed(long instanceId, String runKey, String message) {
        update("UPDATE gradreg_run SET status = ?, message = ?, updated_at = ? WHERE instance_id = ? AND run_key = ?",
                ps -> {
                    ps.setString(1, RunStatus.FAILED.name());
                    ps.setString(2, message.length() > 2000 ? message.substring(0, 2000) : message);
                    ps.setTimestamp(3, Timestamp.from(Instant.now()));
                    ps.setLong(4, instanceId);
                    ps.setString(5, runKey);
                });
    }

    // ---- claims: who trains a run ----

    /**
     * Claims a run for {@code owner} unless another owner holds an unexpired lease on it. The
     * primary key decides between processes that claim at the same moment; an expired lease (its
     * process died) is taken over by one conditional update.
     */
    public Optional<Claim> claim(long instanceId, String runKey, String owner, long ownerExecution, int leaseSeconds) {
        Claim claim = new Claim(instanceId, runKey, owner, ownerExecution, leaseSeconds);
        boolean inserted = insertIgnoringDuplicate("INSERT INTO gradreg_claim (instance_id, run_key, owner, "
                + "owner_execution, lease_until) VALUES (?, ?, ?, ?, " + database.secondsFromNow() + ")", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, runKey);
                    ps.setString(3, owner);
                    ps.setLong(4, ownerExecution);
                    ps.setInt(5, leaseSeconds);
                });
        if (inserted) {
            return Optional.of(claim);
        }
        int taken = updateCount("UPDATE gradreg_claim SET owner = ?, owner_execution = ?, lease_until = "
                + database.secondsFromNow() + " WHERE instance_id = ? AND run_key = ? "
                + "AND (owner = ? OR lease_until < LOCALTIMESTAMP)", ps -> {
                    ps.setString(1, owner);
                    ps.setLong(2, ownerExecution);
                    ps.setInt(3, leaseSeconds);
                    ps.setLong(4, instanceId);
                    ps.setString(5, runKey);
                    ps.setString(6, owner);
                });
        return taken == 1 ? Optional.of(claim) : Optional.empty();
    }

    /** Extends the lease; {@link ClaimLostException} if another owner took the run over. */
    public void renew(Claim claim) {
        inTransaction("renew the claim on run " + claim.runKey(), c -> fence(c, claim));
    }

    /**
     * Gives up the claims that one job execution holds on a job instance's runs, e.g. when that
     * execution is known to be dead and is restarted.
     */
    public void releaseClaims(long instanceId, long ownerExecution) {
        updateCount("DELETE FROM gradreg_claim WHERE instance_id = ? AND owner_execution = ?", ps -> {
            ps.setLong(1, instanceId);
            ps.setLong(2, ownerExecution);
        });
    }

    /** Inside a write's transaction: renews the claim, or throws if it is no longer this owner's. */
    private void fence(Connection c, Claim claim) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_claim SET lease_until = "
                + database.secondsFromNow() + " WHERE instance_id = ? AND run_key = ? AND owner = ?")) {
            ps.setInt(1, claim.leaseSeconds());
            ps.setLong(2, claim.instanceId());
            ps.setString(3, claim.runKey());
            ps.setString(4, claim.owner());
            if (ps.executeUpdate() != 1) {
                throw new ClaimLostException(claim);
            }
        }
    }

    /**
     * Records finished runs trained elsewhere (gradreg import), in one transaction: each run's
     * planned row takes its outcome unless that row is already finished (EVALUATED or FAILED),
     * which is kept. Checkpoints of the runs are dropped. Returns how many runs were recorded.
     */
    public int recordImportedRuns(long instanceId, List<RunRecord> runs) {
        int[] recorded = {0};
        inTransaction("import " + runs.size() + " runs", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_run SET status = ?, minibatches_done = ?, "
                    + "test_accuracy = ?, test_loss = ?, final_loss = ?, final_penalty = ?, train_seconds = ?, "
                    + "message = ?, trained_by = ?, updated_at = ? WHERE instance_id = ? AND run_key = ? "
                    + "AND status NOT IN ('EVALUATED', 'FAILED')");
                    PreparedStatement drop = c.prepareStatement(
                            "DELETE FROM gradreg_checkpoint WHERE instance_id = ? AND run_key = ?")) {
                for (RunRecord run : runs) {
                    if (!run.status().finished()) {
                        throw new IllegalArgumentException("run " + run.runKey() + " is " + run.status()
                                + "; only finished runs are imported");
                    }
                    ps.setString(1, run.status().name());
                    ps.setInt(2, run.minibatchesDone());
                    setNullable(ps, 3, run.testAccuracy());
                    setNullable(ps, 4, run.testLoss());
                    setNullable(ps, 5, run.finalLoss());
                    setNullable(ps, 6, run.finalPenalty());
                    setNullable(ps, 7, run.trainSeconds());
                    ps.setString(8, run.message());
                    ps.setString(9, run.trainedBy());
                    ps.setTimestamp(10, Timestamp.from(Instant.now()));
                    ps.setLong(11, instanceId);
                    ps.setString(12, run.runKey());
                    if (ps.executeUpdate() == 1) {
                        recorded[0]++;
                        drop.setLong(1, instanceId);
                        drop.setString(2, run.runKey());
                        drop.executeUpdate();
                    }
                }
            }
        });
        return recorded[0];
    }

    private static void setNullable(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }

    // ---- experiments run as shards ----

    /**
     * An experiment whose shards run as separate jobs: they all record their runs under
     * {@code resultsInstance}, the job instance of the shard that registered the experiment first.
     */
    public record Experiment(String id, long resultsInstance, String fingerprint, String jobName) {
    }

    public Optional<Experiment> experiment(String id) {
        return queryOne("SELECT experiment_id, results_instance, fingerprint, job_name FROM gradreg_experiment "
                + "WHERE experiment_id = ?", ps -> ps.setString(1, id), ResultsStore::toExperiment);
    }

    /** Every experiment registered by shards or imports, by id. */
    public List<Experiment> experiments() {
        List<Experiment> out = new ArrayList<>();
        try (Connection c = database.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT experiment_id, results_instance, fingerprint, job_name FROM gradreg_experiment "
                        + "ORDER BY experiment_id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(toExperiment(rs));
            }
        } catch (SQLException e) {
            throw fail("list the experiments", e);
        }
        return out;
    }

    /** The experiment a job instance is a shard of, if it is one. */
    public Optional<Experiment> experimentOf(long instanceId) {
        return queryOne("SELECT e.experiment_id, e.results_instance, e.fingerprint, e.job_name "
                + "FROM gradreg_experiment e JOIN gradreg_shard s ON s.experiment_id = e.experiment_id "
                + "WHERE s.instance_id = ?", ps -> ps.setLong(1, instanceId), ResultsStore::toExperiment);
    }

    /** The job instance under which a job instance's runs are recorded: its own, or its experiment's. */
    public long resultsInstance(long instanceId) {
        return experimentOf(instanceId).map(Experiment::resultsInstance).orElse(instanceId);
    }

    /**
     * Registers job instance {@code instanceId} as shard {@code shardIndex} of {@code shardCount} of
     * experiment {@code id}, registering the experiment itself if this is its first shard.
     * Idempotent, and safe when shards register at the same moment: the primary key keeps the first
     * registration.
     *
     * @throws IllegalArgumentException if the experiment exists with another job or parameters
     */
    public Experiment joinExperiment(String id, String fingerprint, String jobName, long instanceId, int shardIndex,
            int shardCount) {
        insertIgnoringDuplicate("INSERT INTO gradreg_experiment (experiment_id, results_instance, fingerprint, "
                + "job_name, created_at) VALUES (?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, id);
                    ps.setLong(2, instanceId);
                    ps.setString(3, fingerprint);
                    ps.setString(4, jobName);
                    ps.setTimestamp(5, Timestamp.from(Instant.now()));
                });
        Experiment experiment = experiment(id).orElseThrow();
        checkCompatible(experiment, fingerprint);
        insertIgnoringDuplicate("INSERT INTO gradreg_shard (instance_id, experiment_id, shard_index, shard_count) "
                + "VALUES (?, ?, ?, ?)", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, id);
                    ps.setInt(3, shardIndex);
                    ps.setInt(4, shardCount);
                });
        return experiment;
    }

    /**
     * Refuses a shard whose job or parameters differ from the experiment's. (A different shard
     * count is fine: claims keep runs from being trained twice whichever shard owns them.)
     */
    public static void checkCompatible(Experiment experiment, String fingerprint) {
        if (!experiment.fingerprint().equals(fingerprint)) {
            throw new IllegalArgumentException("experiment '" + experiment.id() + "' was started with another job file "
                    + "or other parameters; give every shard the same ones, or use another --experiment-id");
        }
    }

    private static Experiment toExperiment(ResultSet rs) throws SQLException {
        return new Experiment(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4));
    }

    // ---- plumbing ----

    private static final String SELECT_RUN = "SELECT instance_id, run_key, experiment, architecture, regularizer, weight, "
            + "train_size, run_index, seed, minibatches, status, minibatches_done, test_accuracy, test_loss, final_loss, "
            + "final_penalty, train_seconds, message, job_execution_id, resumed_from, trained_by FROM gradreg_run";

    private static RunRecord toRun(ResultSet rs) throws SQLException {
        return new RunRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getDouble(6), rs.getString(7), rs.getInt(8), rs.getLong(9), rs.getInt(10),
                RunStatus.valueOf(rs.getString(11)), rs.getInt(12), nullableDouble(rs, 13), nullableDouble(rs, 14),
                nullableDouble(rs, 15), nullableDouble(rs, 16), nullableDouble(rs, 17), rs.getString(18),
                rs.getObject(19) == null ? null : rs.getLong(19), rs.getObject(20) == null ? null : rs.getInt(20),
                rs.getString(21));
    }

    private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private void upsertCheckpoint(Connection c, long instanceId, String runKey, int minibatch, byte[] data)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE gradreg_checkpoint SET minibatch = ?, data = ? WHERE instance_id = ? AND run_key = ?")) {
            ps.setInt(1, minibatch);
            ps.setBytes(2, data);
            ps.setLong(3, instanceId);
            ps.setString(4, runKey);
            if (ps.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO gradreg_checkpoint (instance_id, run_key, minibatch, data) VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, instanceId);
            ps.setString(2, runKey);
            ps.setInt(3, minibatch);
            ps.setBytes(4, data);
            ps.executeUpdate();
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    private interface Work {
        void run(Connection c) throws SQLException;
    }

    /** True if inserted, false if the key was already recorded (the first record is kept). */
    private boolean insertIgnoringDuplicate(String sql, Binder binder) {
        try (Connection c = database.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) { // unique violation: already recorded, keep the first
                throw fail("write " + sql.substring(12, sql.indexOf(' ', 12)), e);
            }
            return false;
        }
    }

    private void update(String sql, Binder binder) {
        updateCount(sql, binder);
    }

    private int updateCount(String sql, Binder binder) {
        try (Connection c = database.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("update " + sql.split(" ")[sql.startsWith("DELETE") ? 2 : 1], e);
        }
    }

    private void inTransaction(String what, Work work) {
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw fail(what, e);
        }
    }

    private <T> Optional<T> queryOne(String sql, Binder binder, Mapper<T> mapper) {
        try (Connection c = database.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw fail("read the database", e);
        }
    }

    private StoreException fail(String what, SQLException e) {
        return new StoreException("cannot " + what + " in " + database.describe() + ": " + e.getMessage(), e);
    }

    static String sha256(int[] indices) {
        ByteBuffer bytes = ByteBuffer.allocate(indices.length * 4);
        bytes.asIntBuffer().put(indices);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] compress(int[] indices) {
        ByteBuffer bytes = ByteBuffer.allocate(indices.length * 4);
        bytes.asIntBuffer().put(indices);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(out)) {
            deflate.write(bytes.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int[] decompress(byte[] data) {
        try (InflaterInputStream in = new InflaterInputStream(new java.io.ByteArrayInputStream(data))) {
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes());
            int[] indices = new int[bytes.remaining() / 4];
            bytes.asIntBuffer().get(indices);
            return indices;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(Properties p) {
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static Properties read(String text) {
        Properties p = new Properties();
        if (text != null) {
            try {
                p.load(new StringReader(text));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return p;
    }

}
