package io.gradreg.metrics;

import io.gradreg.store.Cell;
import io.gradreg.store.RunId;
import io.micrometer.core.instrument.Tags;

/**
 * The labels every gradreg meter carries: the job (its XML id), the execution and the experiment.
 * Run meters add the table cell (architecture, regularizer, training-set size) and the run index,
 * never anything that grows with training (a minibatch index, a seed): a job has as many series
 * per metric as it has planned runs.
 *
 * <p>The label is {@code job_name}, not {@code job}: Prometheus sets {@code job} itself (the scrape
 * job, or the Pushgateway grouping key).
 */
public record JobLabels(String jobName, long execution, String experiment) {

    public static final String JOB_NAME = "job_name";
    public static final String EXECUTION = "execution";
    public static final String EXPERIMENT = "experiment";
    public static final String ARCHITECTURE = "architecture";
    public static final String REGULARIZER = "regularizer";
    public static final String TRAIN_SIZE = "train_size";
    public static final String RUN = "run";

    /** Tags of job-level meters. */
    public Tags tags() {
        return Tags.of(JOB_NAME, jobName, EXECUTION, Long.toString(execution), EXPERIMENT, experiment);
    }

    /** Tags of a table cell: architecture, regularizer, training-set size (e.g. {@code 200/class}). */
    public Tags cell(Cell cell) {
        return tags().and(ARCHITECTURE, cell.architecture(), REGULARIZER, cell.regularizer(), TRAIN_SIZE, cell.trainSize());
    }

    /** Tags of one run of a cell. */
    public Tags run(RunId run) {
        return cell(run.cell()).and(RUN, Integer.toString(run.index()));
    }
}
