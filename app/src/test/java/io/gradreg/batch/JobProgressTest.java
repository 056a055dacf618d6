package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gradreg.training.TrainingListener.Progress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress line's loss and penalty: those of the runs in flight in this process, as they train. */
class JobProgressTest {

    private static Progress at(int minibatch, double loss, double penalty) {
        return new Progress(minibatch, 100, loss, penalty, 0.001, 0);
    }

    @Test
    void runsInFlightShowTheirLatestLossAndPenaltyUntilTheyEnd() {
        JobProgress progress = new JobProgress();
        progress.update(1, "b#0", at(10, 2.0, 0.5));
        progress.update(1, "a#0", at(20, 1.5, 0.25));
        progress.update(1, "b#0", at(30, 1.2345678, 0.0001234567));
        progress.update(2, "c#0", at(5, 9, 9));
        assertEquals(30, progress.done(1, "b#0"));
        assertEquals(List.of("a#0", "b#0"), List.copyOf(progress.inFlight(1).keySet()));
        assertEquals("loss 1.5000, 1.2346 penalty 0.2500, 0.0001235",
                JobProgress.lossAndPenalty(List.copyOf(progress.inFlight(1).values()), 2));
        assertEquals("loss 1.5000, … penalty 0.2500, …",
                JobProgress.lossAndPenalty(List.copyOf(progress.inFlight(1).values()), 1));
        progress.ended(1, "a#0");
        assertEquals(Map.of("b#0", at(30, 1.2345678, 0.0001234567)), progress.inFlight(1));
        assertEquals(20, progress.done(1, "a#0"), "minibatches done stay for the meters");
        progress.ended(1, "b#0");
        assertEquals("", JobProgress.lossAndPenalty(List.copyOf(progress.inFlight(1).values()), 2));
    }
}
