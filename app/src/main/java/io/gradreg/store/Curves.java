package io.gradreg.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Table {@code gradreg_curve}: each run's training curve, one row per recorded minibatch. Points are
 * written only inside the transactions of {@link Runs} that also store the run's checkpoint (or its
 * end), so the curve always ends at the minibatch the stored state has reached: a run resumed from
 * its checkpoint records the minibatches after it, with no gap and no duplicate.
 */
public final class Curves {

    private final Jdbc jdbc;

    Curves(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The curves of every run of a job instance that has one, by run key, points in minibatch order. */
    public Map<String, List<CurvePoint>> of(long instanceId) {
        record Row(String runKey, CurvePoint point) {
        }
        Map<String, List<CurvePoint>> curves = new LinkedHashMap<>();
        jdbc.query("read the training curves of job instance " + instanceId, "SELECT run_key, minibatch, loss, penalty, "
                + "learning_rate FROM gradreg_curve WHERE instance_id = ? ORDER BY run_key, minibatch",
                ps -> ps.setLong(1, instanceId),
                rs -> new Row(rs.getString(1), new CurvePoint(rs.getInt(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5))))
                .forEach(row -> curves.computeIfAbsent(row.runKey(), k -> new ArrayList<>()).add(row.point()));
        return curves;
    }

    /** The curve of one run, in minibatch order; empty if it has none. */
    public List<CurvePoint> of(long instanceId, String runKey) {
        return jdbc.query("read the training curve of run " + runKey, "SELECT minibatch, loss, penalty, learning_rate "
                + "FROM gradreg_curve WHERE instance_id = ? AND run_key = ? ORDER BY minibatch", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, runKey);
                }, rs -> new CurvePoint(rs.getInt(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)));
    }

    /**
     * Appends points to a run's curve within the caller's transaction. Points at or after the first
     * one are replaced, so a transaction repeated after an outage (or a curve written again by an
     * import) leaves each minibatch once.
     */
    static void append(Connection c, long instanceId, String runKey, List<CurvePoint> points) throws SQLException {
        if (points.isEmpty()) {
            return;
        }
        delete(c, instanceId, runKey, points.get(0).minibatch());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO gradreg_curve (instance_id, run_key, minibatch, "
                + "loss, penalty, learning_rate) VALUES (?, ?, ?, ?, ?, ?)")) {
            int previous = Integer.MIN_VALUE;
            for (CurvePoint p : points) {
                if (p.minibatch() <= previous) {
                    throw new IllegalArgumentException("curve points of run " + runKey + " are not in minibatch order: "
                            + p.minibatch() + " after " + previous);
                }
                previous = p.minibatch();
                ps.setLong(1, instanceId);
                ps.setString(2, runKey);
                ps.setInt(3, p.minibatch());
                ps.setDouble(4, p.loss());
                ps.setDouble(5, p.penalty());
                ps.setDouble(6, p.learningRate());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Deletes the points of a run from minibatch {@code from} on (0: the whole curve), in the caller's transaction. */
    static void delete(Connection c, long instanceId, String runKey, int from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM gradreg_curve WHERE instance_id = ? AND run_key = ? "
                + "AND minibatch >= ?")) {
            ps.setLong(1, instanceId);
            ps.setString(2, runKey);
            ps.setInt(3, from);
            ps.executeUpdate();
        }
    }
}
