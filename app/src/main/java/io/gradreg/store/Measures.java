package io.gradreg.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Table {@code gradreg_run_measure}: a run's robustness measures (accuracy under attack, gradient
 * norms; see io.gradreg.robustness.Measure), one row per run and measure. Written in the
 * transaction of {@link Runs#markEvaluated} (or of an import) that records the run's test accuracy,
 * so a run is EVALUATED with all its measures or not at all.
 */
public final class Measures {

    private final Jdbc jdbc;

    Measures(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The measures of every run of a job instance that has any, by run key, each run's by name. */
    public Map<String, Map<String, Double>> of(long instanceId) {
        record Row(String runKey, String measure, double value) {
        }
        Map<String, Map<String, Double>> byRun = new LinkedHashMap<>();
        jdbc.query("read the measures of job instance " + instanceId, "SELECT run_key, measure, measure_value FROM "
                + "gradreg_run_measure WHERE instance_id = ? ORDER BY run_key, measure", ps -> ps.setLong(1, instanceId),
                rs -> new Row(rs.getString(1), rs.getString(2), rs.getDouble(3)))
                .forEach(r -> byRun.computeIfAbsent(r.runKey(), k -> new LinkedHashMap<>()).put(r.measure(), r.value()));
        return byRun;
    }

    /** Replaces the measures of a run within the caller's transaction; non-finite values are left out. */
    static void replace(Connection c, long instanceId, String runKey, Map<String, Double> measures) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM gradreg_run_measure WHERE instance_id = ? AND run_key = ?")) {
            ps.setLong(1, instanceId);
            ps.setString(2, runKey);
            ps.executeUpdate();
        }
        if (measures.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO gradreg_run_measure (instance_id, run_key, measure, "
                + "measure_value) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<String, Double> m : measures.entrySet()) {
                if (m.getValue() == null || !Double.isFinite(m.getValue())) {
                    continue; // not a number: the run has no value of this measure (reports count it missing)
                }
                ps.setLong(1, instanceId);
                ps.setString(2, runKey);
                ps.setString(3, m.getKey());
                ps.setDouble(4, m.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
