package io.gradreg.batch;

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

    /** "architecture/regularizer/size#run", unique within an experiment. */
    public static String key(TrainingConfig c, int runIndex) {
        return c.architecture().id() + "/" + c.regularizer() + "/" + c.subset() + "#" + runIndex;
    }
}
