package io.gradreg.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Tables {@code gradreg_validation} and {@code gradreg_selection}: a sweep's held-out numbers.
 *
 * <p>A grid run's validation accuracy is recorded once (on images drawn outside its training
 * subset, never the test images); a group's selection (its grid's chosen weight) is recorded once,
 * with the time it was recorded, before any run of the group is evaluated on the test images. The
 * first record wins, so a restarted or duplicated step cannot change a selection after the fact.
 */
public final class Validations {

    /** A run's validation accuracy (fraction) and mean cross-entropy on {@code images} held-out images. */
    public record Validation(String runKey, double accuracy, double loss, int images) {
    }

    /**
     * A group's recorded selection: the group's key (architecture/regularizer/size), the rule, the
     * chosen weight (the job's convention) and a one-line account, and when it was recorded.
     */
    public record Selection(String group, String rule, double weight, String summary, Instant selectedAt) {
    }

    private final Jdbc jdbc;

    Validations(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a run's validation accuracy unless one is recorded (a duplicate is ignored). */
    public void record(long instanceId, Validation v) {
        jdbc.insertIfAbsent("record the validation accuracy of run " + v.runKey(), "INSERT INTO gradreg_validation "
                + "(instance_id, run_key, accuracy, loss, images, validated_at) VALUES (?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, v.runKey());
                    ps.setDouble(3, v.accuracy());
                    ps.setDouble(4, v.loss());
                    ps.setInt(5, v.images());
                    ps.setTimestamp(6, Jdbc.now());
                });
    }

    /** Every recorded validation accuracy of a job instance. */
    public List<Validation> of(long instanceId) {
        return jdbc.query("read the validation accuracies of job instance " + instanceId, "SELECT run_key, accuracy, "
                + "loss, images FROM gradreg_validation WHERE instance_id = ? ORDER BY run_key",
                ps -> ps.setLong(1, instanceId),
                rs -> new Validation(rs.getString(1), rs.getDouble(2), rs.getDouble(3), rs.getInt(4)));
    }

    /**
     * Records a group's selection unless one is recorded; returns the recorded one (the first
     * recorded wins: a selection never changes once stored).
     */
    public Selection select(long instanceId, Selection s) {
        jdbc.insertIfAbsent("record the selected weight of " + s.group(), "INSERT INTO gradreg_selection (instance_id, "
                + "grp, rule, weight, summary, selected_at) VALUES (?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, s.group());
                    ps.setString(3, s.rule());
                    ps.setDouble(4, s.weight());
                    ps.setString(5, s.summary());
                    ps.setTimestamp(6, s.selectedAt() == null ? Jdbc.now() : Timestamp.from(s.selectedAt()));
                });
        return selection(instanceId, s.group()).orElseThrow();
    }

    public Optional<Selection> selection(long instanceId, String group) {
        return jdbc.queryOne("read the selected weight of " + group, "SELECT grp, rule, weight, summary, selected_at "
                + "FROM gradreg_selection WHERE instance_id = ? AND grp = ?", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, group);
                }, Validations::selection);
    }

    /** Every recorded selection of a job instance, by group. */
    public List<Selection> selections(long instanceId) {
        return jdbc.query("read the selected weights of job instance " + instanceId, "SELECT grp, rule, weight, summary, "
                + "selected_at FROM gradreg_selection WHERE instance_id = ? ORDER BY grp", ps -> ps.setLong(1, instanceId),
                Validations::selection);
    }

    private static Selection selection(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Selection(rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getString(4),
                rs.getTimestamp(5).toInstant());
    }
}
