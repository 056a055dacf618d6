package io.gradreg.store;

/** The lease on a run expired and another process took it over; this process must not record it. */
public class ClaimLostException extends RuntimeException {

    public ClaimLostException(Claim claim) {
        super("run " + claim.runKey() + " is no longer held by " + claim.owner()
                + " (its lease expired and another process took it over)");
    }
}
