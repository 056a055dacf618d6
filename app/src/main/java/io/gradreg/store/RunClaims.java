package io.gradreg.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Table {@code gradreg_claim}: which process trains a run, with a lease on the database's clock,
 * so that two processes never train (and record) the same run. Every write of a run's training is
 * fenced by its claim in the same transaction ({@link #fence}).
 */
public final class RunClaims {

    private final Jdbc jdbc;

    RunClaims(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims a run for {@code owner} unless another owner holds an unexpired lease on it. The
     * primary key decides between processes that claim at the same moment; an expired lease (its
     * process died) is taken over by one conditional update.
     */
    public Optional<Claim> claim(long instanceId, String runKey, String owner, long ownerExecution, int leaseSeconds) {
        Claim claim = new Claim(instanceId, runKey, owner, ownerExecution, leaseSeconds);
        String operation = "claim run " + runKey;
        boolean inserted = jdbc.insertIfAbsent(operation, "INSERT INTO gradreg_claim (instance_id, run_key, owner, "
                + "owner_execution, lease_until, lease_expires) VALUES (?, ?, ?, ?, " + jdbc.database().secondsFromNow()
                + ", " + jdbc.database().instantSecondsFromNow() + ")", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, runKey);
                    ps.setString(3, owner);
                    ps.setLong(4, ownerExecution);
                    ps.setInt(5, leaseSeconds);
                    ps.setInt(6, leaseSeconds);
                });
        if (inserted) {
            return Optional.of(claim);
        }
        // an expired lease; a claim written by a build older than lease_expires is judged by lease_until
        int taken = jdbc.update(operation, "UPDATE gradreg_claim SET owner = ?, owner_execution = ?, lease_until = "
                + jdbc.database().secondsFromNow() + ", lease_expires = " + jdbc.database().instantSecondsFromNow()
                + " WHERE instance_id = ? AND run_key = ? AND (owner = ? OR lease_expires < CURRENT_TIMESTAMP "
                + "OR (lease_expires IS NULL AND lease_until < LOCALTIMESTAMP))", ps -> {
                    ps.setString(1, owner);
                    ps.setLong(2, ownerExecution);
                    ps.setInt(3, leaseSeconds);
                    ps.setInt(4, leaseSeconds);
                    ps.setLong(5, instanceId);
                    ps.setString(6, runKey);
                    ps.setString(7, owner);
                });
        return taken == 1 ? Optional.of(claim) : Optional.empty();
    }

    /** Extends the lease; {@link ClaimLostException} if another owner took the run over. */
    public void renew(Claim claim) {
        jdbc.inTransaction("renew the claim on run " + claim.runKey(), c -> fence(c, claim));
    }

    /** Gives up one claim (its process stops training the run, which another may take at once). */
    public void release(Claim claim) {
        jdbc.update("release the claim on run " + claim.runKey(), "DELETE FROM gradreg_claim WHERE instance_id = ? "
                + "AND run_key = ? AND owner = ?", ps -> {
                    ps.setLong(1, claim.instanceId());
                    ps.setString(2, claim.runKey());
                    ps.setString(3, claim.owner());
                });
    }

    /**
     * Gives up the claims that one job execution holds on a job instance's runs, e.g. when that
     * execution is known to be dead and is restarted.
     */
    public void release(long instanceId, long ownerExecution) {
        jdbc.update("release the claims of job execution " + ownerExecution,
                "DELETE FROM gradreg_claim WHERE instance_id = ? AND owner_execution = ?", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setLong(2, ownerExecution);
                });
    }

    /**
     * The owners ({@code host/pid-N/execution-M}) whose claims on a job instance's runs, taken by
     * job execution {@code ownerExecution}, have not expired: that execution's process renewed them
     * within a lease, so it may still be alive.
     */
    public List<String> liveOwners(long instanceId, long ownerExecution) {
        return jdbc.query("read the claims of job execution " + ownerExecution, "SELECT DISTINCT owner FROM "
                + "gradreg_claim WHERE instance_id = ? AND owner_execution = ? AND (lease_expires > CURRENT_TIMESTAMP "
                + "OR (lease_expires IS NULL AND lease_until > LOCALTIMESTAMP)) ORDER BY owner", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setLong(2, ownerExecution);
                }, rs -> rs.getString(1));
    }

    /**
     * The owner of each of a job instance's runs whose claim has not expired, by run key: runs some
     * process is training now (a run still marked training without one was stopped, or its process
     * died).
     */
    public java.util.Map<String, String> liveRunClaims(long instanceId) {
        java.util.Map<String, String> owners = new java.util.TreeMap<>();
        jdbc.query("read the claims of job instance " + instanceId, "SELECT run_key, owner FROM gradreg_claim "
                + "WHERE instance_id = ? AND (lease_expires > CURRENT_TIMESTAMP OR (lease_expires IS NULL "
                + "AND lease_until > LOCALTIMESTAMP))", ps -> ps.setLong(1, instanceId),
                rs -> owners.put(rs.getString(1), rs.getString(2)));
        return owners;
    }

    /** Inside a write's transaction: renews the claim, or throws if it is no longer this owner's. */
    void fence(Connection c, Claim claim) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE gradreg_claim SET lease_until = "
                + jdbc.database().secondsFromNow() + ", lease_expires = " + jdbc.database().instantSecondsFromNow()
                + " WHERE instance_id = ? AND run_key = ? AND owner = ?")) {
            ps.setInt(1, claim.leaseSeconds());
            ps.setInt(2, claim.leaseSeconds());
            ps.setLong(3, claim.instanceId());
            ps.setString(4, claim.runKey());
            ps.setString(5, claim.owner());
            if (ps.executeUpdate() != 1) {
                throw new ClaimLostException(claim);
            }
        }
    }
}
