package io.gradreg.batch;

import io.gradreg.store.Claim;
import io.gradreg.store.ResultsStore;
import io.gradreg.training.CurveRecorder;
import io.gradreg.training.TrainingListener;
import io.gradreg.training.TrainingRun;

/**
 * Keeps a claimed run safe while it trains: a checkpoint in the store every {@code every}
 * minibatches (which also renews the claim's lease), with the curve points recorded since the last
 * one in the same transaction, and a lease renewal in between whenever a third of the lease has
 * passed, so that no other process takes over a live run. The curve is recorded here, before the
 * checkpoint is taken, so that a checkpoint's transaction always carries the point of its own
 * minibatch.
 */
final class CheckpointsAndLease implements TrainingListener {

    private final ResultsStore store;
    private final Claim claim;
    private final int every;
    private final CurveRecorder curve;
    private final long renewEveryNanos;
    private TrainingRun run;
    private long renewed = System.nanoTime();

    CheckpointsAndLease(ResultsStore store, Claim claim, int every, CurveRecorder curve) {
        this.store = store;
        this.claim = claim;
        this.every = every;
        this.curve = curve;
        this.renewEveryNanos = claim.leaseSeconds() * 1_000_000_000L / 3;
    }

    @Override
    public void onStart(TrainingRun run) {
        this.run = run;
        renewed = System.nanoTime();
    }

    @Override
    public void onMinibatch(Progress p) {
        curve.onMinibatch(p);
        if (p.minibatch() % every == 0 && !p.last()) {
            store.runs().saveCheckpoint(claim, p.minibatch(), run.checkpoint(), curve.drain());
            renewed = System.nanoTime();
        } else if (System.nanoTime() - renewed > renewEveryNanos) {
            store.claims().renew(claim);
            renewed = System.nanoTime();
        }
    }
}
