package io.gradreg.store;

/**
 * A process's lease on one run: while it holds the lease no other process trains the run. The
 * lease lasts {@code leaseSeconds} on the database's clock and is renewed as training goes on;
 * the process that dies stops renewing it, and another may take the run over once it expires.
 */
public record Claim(long instanceId, String runKey, String owner, long ownerExecution, int leaseSeconds) {
}
