package io.gradreg.store;

import java.sql.PreparedStatement;
import java.util.List;
import java.util.Optional;

/**
 * Tables {@code gradreg_plan} and {@code gradreg_plan_run}: an experiment's plan as parsed once at
 * launch, so that no step parses job properties again. The store keeps the plan as text (the
 * batch layer's JSON): the job-level settings, and one complete training configuration per run.
 * A plan is keyed by the SHA-256 of its content, so saving it again, from a restart or from
 * another shard, is harmless.
 */
public final class Plans {

    /** One run of a plan: its key, its place in the plan, and its configuration (JSON). */
    public record PlannedRun(String runKey, int order, String config) {
    }

    private final Jdbc jdbc;

    Plans(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Saves a plan unless it is saved already; all of it or nothing. */
    public void save(String planId, String experiment, String settings, List<PlannedRun> runs) {
        if (settings(planId).isPresent()) {
            return;
        }
        try {
            jdbc.inTransaction("save the plan of experiment '" + experiment + "'", c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO gradreg_plan (plan_id, experiment, settings, "
                        + "created_at) VALUES (?, ?, ?, ?)")) {
                    ps.setString(1, planId);
                    ps.setString(2, experiment);
                    ps.setString(3, settings);
                    ps.setTimestamp(4, Jdbc.now());
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO gradreg_plan_run (plan_id, run_key, plan_order, "
                        + "config) VALUES (?, ?, ?, ?)")) {
                    for (PlannedRun run : runs) {
                        ps.setString(1, planId);
                        ps.setString(2, run.runKey());
                        ps.setInt(3, run.order());
                        ps.setString(4, run.config());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            });
        } catch (StoreException e) {
            if (settings(planId).isEmpty()) { // not a concurrent save of the same plan by another shard
                throw e;
            }
        }
    }

    /** The plan's job-level settings (JSON), if it is saved. */
    public Optional<String> settings(String planId) {
        return jdbc.queryOne("read plan " + planId, "SELECT settings FROM gradreg_plan WHERE plan_id = ?",
                ps -> ps.setString(1, planId), rs -> rs.getString(1));
    }

    /** Every run of the plan, in plan order. */
    public List<PlannedRun> runs(String planId) {
        return jdbc.query("read the runs of plan " + planId, "SELECT run_key, plan_order, config FROM gradreg_plan_run "
                + "WHERE plan_id = ? ORDER BY plan_order", ps -> ps.setString(1, planId),
                rs -> new PlannedRun(rs.getString(1), rs.getInt(2), rs.getString(3)));
    }

    /** The keys of the plan's runs, in plan order (what a partition mapper needs). */
    public List<String> runKeys(String planId) {
        return jdbc.query("read the runs of plan " + planId, "SELECT run_key FROM gradreg_plan_run WHERE plan_id = ? "
                + "ORDER BY plan_order", ps -> ps.setString(1, planId), rs -> rs.getString(1));
    }

    /** One run of the plan. */
    public Optional<PlannedRun> run(String planId, String runKey) {
        return jdbc.queryOne("read run " + runKey + " of plan " + planId, "SELECT run_key, plan_order, config "
                + "FROM gradreg_plan_run WHERE plan_id = ? AND run_key = ?", ps -> {
                    ps.setString(1, planId);
                    ps.setString(2, runKey);
                }, rs -> new PlannedRun(rs.getString(1), rs.getInt(2), rs.getString(3)));
    }
}
