package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import io.gradreg.TestData;
import io.gradreg.store.Claim;
import io.gradreg.store.CurvePoint;
import io.gradreg.store.Database;
import io.gradreg.store.ResultsStore;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import io.gradreg.training.CurveRecorder;
import io.gradreg.training.TorchEngine;
import io.gradreg.training.TrainingConfig;
import io.gradreg.training.TrainingLoop;
import io.gradreg.training.TrainingRun;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run killed between checkpoints and resumed from its last one records the same curve, point for
 * point and bit for bit, as the run trained without interruption: the points are stored in the
 * checkpoint's transaction, so those after it die with the process and are trained and recorded
 * again, none twice and none missing. Real training (TrainBatchlet's listener and store calls) on
 * an in-memory H2 store; the "kill" drops the process's run without writing anything more.
 */
class CurveResumeTest {

    private static final String KEY = "baseline/spectreg/200/class#0";
    private static final int CHECKPOINT_EVERY = 20;
    private static final int CURVE_EVERY = 15; // not a divisor of the checkpoint interval: points wait across it

    @BeforeAll
    static void engine() {
        TorchEngine.start(1);
    }

    @Test
    void aRunKilledAndResumedFromItsCheckpointRecordsTheCurveOfAnUninterruptedRun() {
        TrainingConfig config = TrainingConfig.builder().regularizer("spectreg").weight(0.03).minibatches(70).seed(5)
                .build();
        List<CurvePoint> uninterrupted = train(config, 0);
        assertEquals(List.of(15, 30, 45, 60, 70), uninterrupted.stream().map(CurvePoint::minibatch).toList());

        List<CurvePoint> resumed = train(config, 47); // killed at 47: last checkpoint at 40, point 45 not stored
        assertEquals(uninterrupted, resumed); // records compare doubles bit for bit
    }

    /** Trains the run to its end; with {@code killAt} > 0, kills it there first and resumes in a new "process". */
    private static List<CurvePoint> train(TrainingConfig config, int killAt) {
        ResultsStore store = new ResultsStore(new Database("jdbc:h2:mem:curve" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                "", ""));
        store.ensureSchema();
        store.runs().plan(new RunRecord(1, KEY, "e", "baseline", "spectreg", 0.03, "200/class", 0, 5, 70,
                RunStatus.PLANNED, 0, null, null, null, null, null, null, 1L, null, null), 0);
        Claim claim = store.claims().claim(1, KEY, "test", 1, 60).orElseThrow();
        if (killAt > 0) {
            try (NDManager manager = NDManager.newBaseManager();
                    TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
                boolean finished = TrainingLoop.fit(run, () -> run.minibatchesDone() >= killAt,
                        new CheckpointsAndLease(store, claim, CHECKPOINT_EVERY, new CurveRecorder(CURVE_EVERY)));
                assertEquals(false, finished);
            }
            assertEquals(List.of(15, 30), store.curves().of(1, KEY).stream().map(CurvePoint::minibatch).toList(),
                    "stored with the checkpoint at 40: the points up to it");
        }
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, TestData.mnist(), TestData.penalty(config), manager)) {
            store.runs().checkpoint(1, KEY).ifPresent(run::restore);
            assertEquals(killAt > 0 ? 40 : 0, run.minibatchesDone());
            CurveRecorder curve = new CurveRecorder(CURVE_EVERY);
            TrainingLoop.fit(run, () -> false, new CheckpointsAndLease(store, claim, CHECKPOINT_EVERY, curve));
            store.runs().markTrained(claim, run.minibatchesDone(), run.checkpoint(), run.lastLoss(), run.lastPenalty(), 1,
                    "test", curve.drain());
        }
        return store.curves().of(1, KEY);
    }
}
