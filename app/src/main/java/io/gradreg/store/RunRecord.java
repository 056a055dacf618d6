package io.gradreg.store;

/**
 * One row of the results table: a planned run and, once done, its outcome. {@code trainedBy} names
 * the build (version and commit) that finished training it and, after "with", the thread
 * settings it trained with ({@code TorchEngine#numerics}); runs recorded before 0.1.0's commit
 * of 2026-12-03 name the build alone.
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

    /** A run as the sample step plans it: nothing done yet. */
    public static RunRecord planned(long instanceId, RunId id, String experiment, double weight, long seed,
            int minibatches) {
        Cell cell = id.cell();
        return new RunRecord(instanceId, id.toString(), experiment, cell.architecture(), cell.regularizer(), weight,
                cell.trainSize(), id.index(), seed, minibatches, RunStatus.PLANNED, 0, null, null, null, null, null, null,
                null, null, null);
    }

    public RunId id() {
        return new RunId(cell(), runIndex);
    }

    /** The table cell this run belongs to: architecture, regularizer and training-set size. */
    public Cell cell() {
        return new Cell(architecture, regularizer, trainSize);
    }
}
