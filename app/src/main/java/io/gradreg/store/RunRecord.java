package io.gradreg.store;

/**
 * One row of the results table: a planned run and, once done, its outcome. {@code trainedBy} names
 * the build (version and commit) that finished training it.
 */
public record RunRecord(
        long instanceId,
        String runKey,
        String experiment,
        String architecture,
        String regularizer,
        double weight,
        String trainSize,
        int runIndex,
        long seed,
        int minibatches,
        RunStatus status,
        int minibatchesDone,
        Double testAccuracy,
        Double testLoss,
        Double finalLoss,
        Double finalPenalty,
        Double trainSeconds,
        String message,
        Long jobExecutionId,
        Integer resumedFrom,
        String trainedBy) {

    /** The table cell this run belongs to: architecture, regularizer and training-set size. */
    public String cell() {
        return architecture + "/" + regularizer + "/" + trainSize;
    }
}
