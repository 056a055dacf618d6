package io.gradreg.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Tables {@code gradreg_experiment} and {@code gradreg_shard}: experiments whose shards run as
 * separate jobs (or that were imported), each with the job instance under which all its runs are
 * recorded.
 */
public final class Experiments {

    /**
     * An experiment whose shards run as separate jobs: they all record their runs under
     * {@code resultsInstance}, the job instance of the shard that registered the experiment first.
     */
    public record Experiment(String id, long resultsInstance, String fingerprint, String jobName) {
    }

    private static final String SELECT = "SELECT e.experiment_id, e.results_instance, e.fingerprint, e.job_name "
            + "FROM gradreg_experiment e";

    private final Jdbc jdbc;

    Experiments(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Experiment> get(String id) {
        return jdbc.queryOne("read experiment '" + id + "'", SELECT + " WHERE e.experiment_id = ?",
                ps -> ps.setString(1, id), Experiments::toExperiment);
    }

    /** Every experiment registered by shards or imports, by id. */
    public List<Experiment> all() {
        return jdbc.query("list the experiments", SELECT + " ORDER BY e.experiment_id", ps -> {
        }, Experiments::toExperiment);
    }

    /** The experiment a job instance is a shard of, if it is one. */
    public Optional<Experiment> of(long instanceId) {
        return jdbc.queryOne("read the experiment of job instance " + instanceId, SELECT
                + " JOIN gradreg_shard s ON s.experiment_id = e.experiment_id WHERE s.instance_id = ?",
                ps -> ps.setLong(1, instanceId), Experiments::toExperiment);
    }

    /** The job instance under which a job instance's runs are recorded: its own, or its experiment's. */
    public long resultsInstance(long instanceId) {
        return of(instanceId).map(Experiment::resultsInstance).orElse(instanceId);
    }

    /**
     * Registers job instance {@code instanceId} as shard {@code shardIndex} of {@code shardCount} of
     * experiment {@code id}, registering the experiment itself if this is its first shard.
     * Idempotent, and safe when shards register at the same moment: the primary key keeps the first
     * registration.
     *
     * @throws IllegalArgumentException if the experiment exists with another job or parameters
     */
    public Experiment join(String id, String fingerprint, String jobName, long instanceId, int shardIndex,
            int shardCount) {
        jdbc.insertIfAbsent("register experiment '" + id + "'", "INSERT INTO gradreg_experiment (experiment_id, "
                + "results_instance, fingerprint, job_name, created_at) VALUES (?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, id);
                    ps.setLong(2, instanceId);
                    ps.setString(3, fingerprint);
                    ps.setString(4, jobName);
                    ps.setTimestamp(5, Jdbc.now());
                });
        Experiment experiment = get(id).orElseThrow();
        checkCompatible(experiment, fingerprint);
        jdbc.insertIfAbsent("register shard " + shardIndex + "/" + shardCount + " of experiment '" + id + "'",
                "INSERT INTO gradreg_shard (instance_id, experiment_id, shard_index, shard_count) VALUES (?, ?, ?, ?)",
                ps -> {
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
}
