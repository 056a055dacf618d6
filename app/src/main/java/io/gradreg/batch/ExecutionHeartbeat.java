package io.gradreg.batch;

import io.gradreg.store.Claim;
import io.gradreg.store.RunClaims;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The claim that says "this job execution's process is alive", held from launch to the end of
 * {@code gradreg run}/{@code restart} and renewed every third of a lease, whatever step runs.
 * Run claims only exist while a run trains, so without it an execution in its sample, evaluate or
 * report step would look dead, and {@code gradreg restart} would let a second process into it (the
 * way results were stranded before: trained, never evaluated). It lives in {@code gradreg_claim}
 * under the key {@code execution:<id>}, which no run key can take, so that
 * {@link RunClaims#liveOwners} answers for both kinds.
 */
final class ExecutionHeartbeat implements AutoCloseable {

    /** This process, in claims: host (the pod's name on Kubernetes) and process id. */
    static final String PROCESS = System.getenv().getOrDefault("HOSTNAME", "localhost") + "/pid-"
            + ProcessHandle.current().pid();

    private final RunClaims claims;
    private final Claim claim;
    private final ScheduledExecutorService renewer;

    private ExecutionHeartbeat(RunClaims claims, Claim claim, int leaseSeconds) {
        this.claims = claims;
        this.claim = claim;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gradreg-heartbeat-" + claim.ownerExecution());
            t.setDaemon(true);
            return t;
        });
        long periodMillis = Math.max(500, leaseSeconds * 1000L / 3);
        renewer.scheduleWithFixedDelay(this::renew, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** The owner name of this process's claims for job execution {@code execution}. */
    static String owner(long execution) {
        return PROCESS + "/execution-" + execution;
    }

    /** Starts the heartbeat of job execution {@code execution}, whose runs are recorded under {@code resultsInstance}. */
    static ExecutionHeartbeat start(RunClaims claims, long resultsInstance, long execution, int leaseSeconds) {
        Optional<Claim> claim = claims.claim(resultsInstance, "execution:" + execution, owner(execution), execution,
                leaseSeconds);
        // a new execution's key is free; were it not, the renewals would fail and the lease lapse: no harm
        return new ExecutionHeartbeat(claims, claim.orElse(new Claim(resultsInstance, "execution:" + execution,
                owner(execution), execution, leaseSeconds)), leaseSeconds);
    }

    private void renew() {
        try {
            claims.renew(claim);
        } catch (RuntimeException e) {
            // a database outage (the job's own steps report it) or a lost claim: the next tick tries again
        }
    }

    /** Stops renewing and gives the claim up: the execution's process is done with it. */
    @Override
    public void close() {
        renewer.shutdownNow();
        try {
            claims.release(claim);
        } catch (RuntimeException e) {
            // the lease lapses on its own
        }
    }
}
