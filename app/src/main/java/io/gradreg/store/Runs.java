package io.gradreg.store;

import io.gradreg.hash.Sha256;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Tables {@code gradreg_run} (one row per planned run, keyed by job instance and run key, so a run
 * can never be recorded twice: its status, progress and outcome), {@code gradreg_checkpoint}
 * (the latest checkpoint of each unfinished run) and, written in the same transactions,
 * {@code gradreg_curve} (each run's training curve, see {@link Curves}). Every write is one transaction; writes made by
 * a run's trainer are fenced by its claim.
 */
public final class Runs {

    private final Jdbc jdbc;
    private final RunClaims claims;

    Runs(Jdbc jdbc, RunClaims claims) {
        this.jdbc = jdbc;
        this.claims = claims;
    }

    /** Plans a run unless it is already planned (restarts and repeated sample steps are harmless). */
    public void plan(RunRecord run, int planOrder) {
        jdbc.insertIfAbsent("plan run " + run.runKey(), "INSERT INTO gradreg_run (instance_id, run_key, experiment, "
                + "architecture, regularizer, weight, train_size, run_index, seed, minibatches, status, minibatches_done, "
                + "updated_at, plan_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)", ps -> {
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
                    ps.setTimestamp(12, Jdbc.now());
                    ps.setInt(13, planOrder);
                });
    }

    /** The runs of a job instance, in plan order. */
    public List<RunRecord> of(long instanceId) {
        return jdbc.query("read the runs of job instance " + instanceId, SELECT + " WHERE instance_id = ? ORDER BY plan_order",
                ps -> ps.setLong(1, instanceId), Runs::toRun);
    }

    public Optional<RunRecord> get(long instanceId, String runKey) {
        return jdbc.queryOne("read run " + runKey, SELECT + " WHERE instance_id = ? AND run_key = ?", ps -> {
            ps.setLong(1, instanceId);
            ps.setString(2, runKey);
        }, Runs::toRun);
    }

    /** The run's training starts (or continues); its message, if any (a discarded checkpoint), stays. */
    public void markTraining(long instanceId, String runKey, long executionId) {
        jdbc.update("mark run " + runKey + " as training", "UPDATE gradreg_run SET status = ?, job_execution_id = ?, "
                + "updated_at = ? WHERE instance_id = ? AND run_key = ?", ps -> {
                    ps.setString(1, RunStatus.TRAINING.name());
                    ps.setLong(2, executionId);
                    ps.setTimestamp(3, Jdbc.now());
                    ps.setLong(4, instanceId);
                    ps.setString(5, runKey);
                });
    }

    /** Notes that a run continues from its checkpoint at {@code minibatch} instead of from scratch. */
    public void markResumed(long instanceId, String runKey, int minibatch) {
        jdbc.update("mark run " + runKey + " as resumed", "UPDATE gradreg_run SET resumed_from = ?, updated_at = ? "
                + "WHERE instance_id = ? AND run_key = ?", ps -> {
                    ps.setInt(1, minibatch);
                    ps.setTimestamp(2, Jdbc.now());
                    ps.setLong(3, instanceId);
                    ps.setString(4, runKey);
                });
    }

    /**
     * Stores a checkpoint, the progress it represents and the curve points recorded since the last
     * one ({@code curve}, up to {@code minibatch}), atomically, and renews the claim; throws
     * {@link ClaimLostException} (writing nothing) if the claim was lost.
     */
    public void saveCheckpoint(Claim claim, int minibatch, byte[] data, List<CurvePoint> curve) {
        jdbc.inTransaction("save the checkpoint of run " + claim.runKey(), c -> {
            claims.fence(c, claim);
            upsertCheckpoint(c, claim.instanceId(), claim.runKey(), minibatch, data);
            Curves.append(c, claim.instanceId(), claim.runKey(), curve);
            try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_run SET minibatches_done = ?, updated_at = ? "
                    + "WHERE instance_id = ? AND run_key = ?")) {
                ps.setInt(1, minibatch);
                ps.setTimestamp(2, Jdbc.now());
                ps.setLong(3, claim.instanceId());
                ps.setString(4, claim.runKey());
                ps.executeUpdate();
            }
        });
    }

    /**
     * The run's checkpoint, checked against its checksum.
     *
     * @throws DamagedCheckpointException if it fails the check
     */
    public Optional<byte[]> checkpoint(long instanceId, String runKey) {
        Optional<Object[]> row = jdbc.queryOne("read the checkpoint of run " + runKey, "SELECT data, sha256, minibatch "
                + "FROM gradreg_checkpoint WHERE instance_id = ? AND run_key = ?", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, runKey);
                }, rs -> new Object[] {rs.getBytes(1), rs.getString(2), rs.getInt(3)});
        if (row.isEmpty()) {
            return Optional.empty();
        }
        byte[] data = (byte[]) row.get()[0];
        String sha = (String) row.get()[1];
        if (sha != null && !sha.equals(Sha256.hex(data))) { // checkpoints written before checksums have none
            throw new DamagedCheckpointException("the checkpoint of run " + runKey + " at minibatch " + row.get()[2]
                    + " fails its checksum");
        }
        return Optional.of(data);
    }

    /**
     * Drops a damaged checkpoint and the run's curve, so that the run trains again from the start, and
     * notes why in the run's message; fenced by the claim like every write of the run's trainer.
     */
    public void discardCheckpoint(Claim claim, String why) {
        jdbc.inTransaction("discard the checkpoint of run " + claim.runKey(), c -> {
            claims.fence(c, claim);
            deleteCheckpoint(c, claim.instanceId(), claim.runKey());
            Curves.delete(c, claim.instanceId(), claim.runKey(), 0);
            try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_run SET minibatches_done = 0, resumed_from = "
                    + "NULL, message = ?, updated_at = ? WHERE instance_id = ? AND run_key = ?")) {
                ps.setString(1, why.length() > 2000 ? why.substring(0, 2000) : why);
                ps.setTimestamp(2, Jdbc.now());
                ps.setLong(3, claim.instanceId());
                ps.setString(4, claim.runKey());
                ps.executeUpdate();
            }
        });
    }

    /**
     * A trained run whose final parameters are damaged (or gone) goes back to PLANNED, to be trained
     * again from the start by the next execution that trains it; {@code why} becomes its message.
     * Conditional on TRAINED: a run another process evaluated meanwhile is left alone.
     */
    public void retrainDamaged(long instanceId, String runKey, String why) {
        jdbc.inTransaction("discard the damaged parameters of run " + runKey, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_run SET status = ?, minibatches_done = 0, "
                    + "resumed_from = NULL, message = ?, updated_at = ? WHERE instance_id = ? AND run_key = ? "
                    + "AND status = ?")) {
                ps.setString(1, RunStatus.PLANNED.name());
                ps.setString(2, why.length() > 2000 ? why.substring(0, 2000) : why);
                ps.setTimestamp(3, Jdbc.now());
                ps.setLong(4, instanceId);
                ps.setString(5, runKey);
                ps.setString(6, RunStatus.TRAINED.name());
                if (ps.executeUpdate() == 1) {
                    deleteCheckpoint(c, instanceId, runKey);
                    Curves.delete(c, instanceId, runKey, 0); // the run's curve starts again with it
                }
            }
        });
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
        RunStatus now = get(instanceId, runKey).map(RunRecord::status).orElse(null);
        if (now == RunStatus.EVALUATED) {
            return Optional.empty();
        }
        throw new DamagedCheckpointException("run " + runKey + " of job instance " + instanceId + " is " + now
                + " but its parameters are missing from table gradreg_checkpoint (deleted outside gradreg?)");
    }

    /**
     * Training finished: the final parameters (as a checkpoint), the rest of the curve and the
     * training outcome, atomically, if the claim still holds (else {@link ClaimLostException} and
     * nothing is written).
     */
    public void markTrained(Claim claim, int minibatches, byte[] finalState, double finalLoss,
            double finalPenalty, double trainSeconds, String trainedBy, List<CurvePoint> curve) {
        jdbc.inTransaction("record the end of run " + claim.runKey(), c -> {
            claims.fence(c, claim);
            upsertCheckpoint(c, claim.instanceId(), claim.runKey(), minibatches, finalState);
            Curves.append(c, claim.instanceId(), claim.runKey(), curve);
            try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_run SET status = ?, minibatches_done = ?, "
                    + "final_loss = ?, final_penalty = ?, train_seconds = ?, updated_at = ?, trained_by = ? "
                    + "WHERE instance_id = ? AND run_key = ?")) {
                ps.setString(1, RunStatus.TRAINED.name());
                ps.setInt(2, minibatches);
                ps.setDouble(3, finalLoss);
                ps.setDouble(4, finalPenalty);
                ps.setDouble(5, trainSeconds);
                ps.setTimestamp(6, Jdbc.now());
                ps.setString(7, trainedBy);
                ps.setLong(8, claim.instanceId());
                ps.setString(9, claim.runKey());
                ps.executeUpdate();
            }
        });
    }

    /**
     * Evaluation done: the accuracy, and the run's parameters are no longer kept. Only a TRAINED run
     * becomes EVALUATED, so two processes evaluating the same run record it once.
     */
    public void markEvaluated(long instanceId, String runKey, double accuracy, double loss) {
        markEvaluated(instanceId, runKey, accuracy, loss, java.util.Map.of());
    }

    /** As {@link #markEvaluated(long, String, double, double)}, with the run's robustness measures ({@link Measures}). */
    public void markEvaluated(long instanceId, String runKey, double accuracy, double loss,
            java.util.Map<String, Double> measures) {
        jdbc.inTransaction("record the test accuracy of run " + runKey, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_run SET status = ?, test_accuracy = ?, "
                    + "test_loss = ?, updated_at = ? WHERE instance_id = ? AND run_key = ? AND status = ?")) {
                ps.setString(1, RunStatus.EVALUATED.name());
                ps.setDouble(2, accuracy);
                ps.setDouble(3, loss);
                ps.setTimestamp(4, Jdbc.now());
                ps.setLong(5, instanceId);
                ps.setString(6, runKey);
                ps.setString(7, RunStatus.TRAINED.name());
                if (ps.executeUpdate() == 0) {
                    return;
                }
            }
            Measures.replace(c, instanceId, runKey, measures);
            deleteCheckpoint(c, instanceId, runKey);
        });
    }

    /**
     * The run failed (diverged, its regularizer threw), with its curve up to the failure, if the claim
     * still holds (else {@link ClaimLostException} and nothing is written: another process owns the run
     * and its result).
     */
    public void markFailed(Claim claim, String message, List<CurvePoint> curve) {
        jdbc.inTransaction("record the failure of run " + claim.runKey(), c -> {
            claims.fence(c, claim);
            Curves.append(c, claim.instanceId(), claim.runKey(), curve);
            try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_run SET status = ?, message = ?, "
                    + "updated_at = ? WHERE instance_id = ? AND run_key = ?")) {
                ps.setString(1, RunStatus.FAILED.name());
                ps.setString(2, message.length() > 2000 ? message.substring(0, 2000) : message);
                ps.setTimestamp(3, Jdbc.now());
                ps.setLong(4, claim.instanceId());
                ps.setString(5, claim.runKey());
                ps.executeUpdate();
            }
        });
    }

    /**
     * Records finished runs trained elsewhere (gradreg import), in one transaction: each run's
     * planned row takes its outcome unless that row is already finished (EVALUATED or FAILED),
     * which is kept, with its curve from {@code curves} (by run key; a run without one keeps none).
     * Checkpoints of the runs are dropped. Returns how many runs were recorded.
     */
    public int recordImported(long instanceId, List<RunRecord> runs, java.util.Map<String, List<CurvePoint>> curves) {
        return recordImported(instanceId, runs, curves, java.util.Map.of());
    }

    /** As {@link #recordImported(long, List, java.util.Map)}, with each recorded run's measures from {@code measures}. */
    public int recordImported(long instanceId, List<RunRecord> runs, java.util.Map<String, List<CurvePoint>> curves,
            java.util.Map<String, java.util.Map<String, Double>> measures) {
        int[] recorded = {0};
        jdbc.inTransaction("import " + runs.size() + " runs", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_run SET status = ?, minibatches_done = ?, "
                    + "test_accuracy = ?, test_loss = ?, final_loss = ?, final_penalty = ?, train_seconds = ?, "
                    + "message = ?, trained_by = ?, updated_at = ? WHERE instance_id = ? AND run_key = ? "
                    + "AND status NOT IN ('EVALUATED', 'FAILED')")) {
                for (RunRecord run : runs) {
                    if (!run.status().finished()) {
                        throw new IllegalArgumentException("run " + run.runKey() + " is " + run.status()
                                + "; only finished runs are imported");
                    }
                    ps.setString(1, run.status().name());
                    ps.setInt(2, run.minibatchesDone());
                    Jdbc.setNullable(ps, 3, run.testAccuracy());
                    Jdbc.setNullable(ps, 4, run.testLoss());
                    Jdbc.setNullable(ps, 5, run.finalLoss());
                    Jdbc.setNullable(ps, 6, run.finalPenalty());
                    Jdbc.setNullable(ps, 7, run.trainSeconds());
                    ps.setString(8, run.message());
                    ps.setString(9, run.trainedBy());
                    ps.setTimestamp(10, Jdbc.now());
                    ps.setLong(11, instanceId);
                    ps.setString(12, run.runKey());
                    if (ps.executeUpdate() == 1) {
                        recorded[0]++;
                        deleteCheckpoint(c, instanceId, run.runKey());
                        Curves.delete(c, instanceId, run.runKey(), 0);
                        Curves.append(c, instanceId, run.runKey(), curves.getOrDefault(run.runKey(), List.of()));
                        Measures.replace(c, instanceId, run.runKey(), measures.getOrDefault(run.runKey(),
                                java.util.Map.of()));
                    }
                }
            }
        });
        return recorded[0];
    }

    private static final String SELECT = "SELECT instance_id, run_key, experiment, architecture, regularizer, weight, "
            + "train_size, run_index, seed, minibatches, status, minibatches_done, test_accuracy, test_loss, final_loss, "
            + "final_penalty, train_seconds, message, job_execution_id, resumed_from, trained_by FROM gradreg_run";

    private static RunRecord toRun(ResultSet rs) throws SQLException {
        return new RunRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getDouble(6), rs.getString(7), rs.getInt(8), rs.getLong(9), rs.getInt(10),
                RunStatus.valueOf(rs.getString(11)), rs.getInt(12), Jdbc.nullableDouble(rs, 13),
                Jdbc.nullableDouble(rs, 14), Jdbc.nullableDouble(rs, 15), Jdbc.nullableDouble(rs, 16),
                Jdbc.nullableDouble(rs, 17), rs.getString(18), Jdbc.nullableLong(rs, 19), Jdbc.nullableInt(rs, 20),
                rs.getString(21));
    }

    private static void upsertCheckpoint(Connection c, long instanceId, String runKey, int minibatch, byte[] data)
            throws SQLException {
        String sha = Sha256.hex(data);
        try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_checkpoint SET minibatch = ?, data = ?, "
                + "sha256 = ? WHERE instance_id = ? AND run_key = ?")) {
            ps.setInt(1, minibatch);
            ps.setBytes(2, data);
            ps.setString(3, sha);
            ps.setLong(4, instanceId);
            ps.setString(5, runKey);
            if (ps.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO gradreg_checkpoint (instance_id, run_key, "
                + "minibatch, data, sha256) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, instanceId);
            ps.setString(2, runKey);
            ps.setInt(3, minibatch);
            ps.setBytes(4, data);
            ps.setString(5, sha);
            ps.executeUpdate();
        }
    }

    private static void deleteCheckpoint(Connection c, long instanceId, String runKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM gradreg_checkpoint WHERE instance_id = ? AND run_key = ?")) {
            ps.setLong(1, instanceId);
            ps.setString(2, runKey);
            ps.executeUpdate();
        }
    }
}
