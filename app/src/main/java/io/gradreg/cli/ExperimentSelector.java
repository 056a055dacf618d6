package io.gradreg.cli;

import io.gradreg.batch.ExperimentIds;
import io.gradreg.batch.JobLauncher;
import io.gradreg.store.Experiments;
import io.gradreg.batch.Workspace;
import jakarta.batch.operations.NoSuchJobExecutionException;

/** The job instance holding an experiment's runs, chosen by a job execution id or an experiment id. */
final class ExperimentSelector {

    private ExperimentSelector() {
    }

    /**
     * The instance whose runs {@code execution} (any shard's) or {@code experiment} records; exactly
     * one is given. An experiment id names a registered experiment (shards, imports), else the
     * most recent job run without shards whose derived id it is.
     */
    static long resultsInstance(Long execution, String experiment, Workspace workspace, JobLauncher launcher,
            ExperimentIds ids) {
        if ((execution == null) == (experiment == null)) {
            throw new IllegalArgumentException("give a job execution id or --experiment ID (one of them)");
        }
        if (experiment != null) {
            return workspace.store().experiments().get(experiment).map(Experiments.Experiment::resultsInstance)
                    .or(() -> ids.unshardedInstance(experiment)).orElseThrow(() -> new IllegalArgumentException(
                            "no experiment '" + experiment + "' in " + workspace.database().describe()
                                    + "; 'gradreg status' lists the experiments"));
        }
        try {
            return workspace.store().experiments().resultsInstance(launcher.operator().getJobInstance(execution).getInstanceId());
        } catch (NoSuchJobExecutionException e) {
            throw new IllegalArgumentException("no job execution " + execution + "; run 'gradreg status' to list them");
        }
    }
}
