package io.gradreg.plan;

import io.gradreg.store.Cell;
import io.gradreg.store.RunId;
import io.gradreg.training.TrainingConfig;

/**
 * One planned run of an experiment: a table cell (architecture, regularizer with its weight,
 * training-set size) and a run index; its seed is the experiment's base seed plus the run index,
 * so run i of every cell trains on the same subset (a paired comparison).
 */
public record RunSpec(String key, int runIndex, TrainingConfig config, double jobWeight) {

    /**
     * @param jobWeight the weight as the job wrote it, in the job's weight convention; the
     *        config's weight is the same weight in gradreg's per-example-mean units
     */
    public RunSpec {
    }

    /** This run's identity, as its key spells it (a sweep's grid cells carry their weight: spectreg=0.003). */
    public RunId id() {
        return RunId.parse(key);
    }

    /** The run's identity, unique within an experiment; printed, it is the run's key. */
    public static RunId id(TrainingConfig c, int runIndex) {
        return new RunId(new Cell(c.architecture().id(), c.regularizer(), c.subset().toString()), runIndex);
    }
}
