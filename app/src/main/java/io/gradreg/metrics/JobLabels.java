package io.gradreg.metrics;

import io.gradreg.store.Cell;
import io.gradreg.store.RunId;
import io.micrometer.core.instrument.Tags;

/**
 * The labels every gradreg meter carries: the job (its XML id), the execution, the experiment and
 * the shard ({@code i/N}; {@code 0/1} for a job that is not sharded). A shard's process exports
 * only its own share of the experiment's runs, so sums over shards add up (deploy/prometheus/
 * gradreg-rules.yml records the experiment-wide ones); a shard retried by a new process keeps its
 * shard label under a new execution.
 * Run meters add the table cell (architecture, regularizer, training-set size) and the run index,
 * never anything that grows with training (a minibatch index, a seed): a job has as many series
 * per metric as it has planned runs.
 *
 * <p>The label is {@code gradreg_job}, neither {@code job}, which Prometheus sets itself (the scrape
 * job, or the Pushgateway grouping key), nor {@code job_name}, which kube-state-metrics gives the
 * Kubernetes Job (whose name is gradreg's experiment id there).
 */
public record JobLabels(String jobName, long execution, String experiment, String shard) {

    public static final String JOB_NAME = "gradreg_job";
    public static final String SHARD = "shard";
    public static final String EXECUTION = "execution";
    public static final String EXPERIMENT = "experiment";
    public static final String ARCHITECTURE = "architecture";
    public static final String REGULARIZER = "regularizer";
    public static final String TRAIN_SIZE = "train_size";
    public static final String RUN = "run";

    /** The labels of a job that is not sharded: the whole experiment is its share, shard {@code 0/1}. */
    public JobLabels(String jobName, long execution, String experiment) {
        this(jobName, execution, experiment, "0/1");
    }

    /** Tags of job-level meters. */
    public Tags tags() {
        return Tags.of(JOB_NAME, jobName, EXECUTION, Long.toString(execution), EXPERIMENT, experiment, SHARD, shard);
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
