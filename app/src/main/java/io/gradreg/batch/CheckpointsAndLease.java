package io.gradreg.batch;

import io.gradreg.store.Claim;
import io.gradreg.store.ResultsStore;
import io.gradreg.training.TrainingListener;
import io.gradreg.training.TrainingRun;

/**
 * Keeps a claimed run safe while it trains: a checkpoint in the store every {@code every}
 * minibatches (which also renews the claim's lease), and a lease renewal in between whenever a
 * third of the lease has passed, so that no other process takes over a live run.
 */
final class CheckpointsAndLease implements TrainingListener {

    private final ResultsStore store;
    private final Claim claim;
    private final int every;
    private final long renewEveryNanos;
    private TrainingRun run;
    private long renewed = System.nanoTime();

    CheckpointsAndLease(ResultsStore store, Claim claim, int every) {
        this.store = store;
        this.claim = claim;
        this.every = every;
        this.renewEveryNanos = claim.leaseSeconds() * 1_000_000_000L / 3;
    }

    @Override
    public void onStart(TrainingRun run) {
        this.run = run;
        renewed = System.nanoTime();
    }

    @Override
    public void onMinibatch(Progress p) {
        if (p.minibatch() % every == 0 && !p.last()) {
            store.runs().saveCheckpoint(claim, p.minibatch(), run.checkpoint());
            renewed = System.nanoTime();
        } else if (System.nanoTime() - renewed > renewEveryNanos) {
            store.claims().renew(claim);
            renewed = System.nanoTime();
        }
    }
}
