package io.gradreg.cli;

import io.gradreg.batch.JobLauncher;
import io.gradreg.batch.Workspace;
import jakarta.batch.operations.NoSuchJobExecutionException;

/** The job instance holding an experiment's runs, chosen by a job execution id or an experiment id. */
final class ExperimentSelector {

    private ExperimentSelector() {
    }

    /** The instance whose runs {@code execution} (any shard's) or {@code experiment} records; exactly one is given. */
    static long resultsInstance(Long execution, String experiment, Workspace workspace, JobLauncher launcher) {
        if ((execution == null) == (experiment == null)) {
            throw new IllegalArgumentException("give a job execution id or --experiment ID (one of them)");
        }
        if (experiment != null) {
            return workspace.store().experiments().get(experiment).orElseThrow(() -> new IllegalArgumentException(
                    "no experiment '" + experiment + "' in " + workspace.database().describe())).resultsInstance();
        }
        try {
            return workspace.store().experiments().resultsInstance(launcher.operator().getJobInstance(execution).getInstanceId());
        } catch (NoSuchJobExecutionException e) {
            throw new IllegalArgumentException("no job execution " + execution + "; run 'gradreg status' to list them");
        }
    }
}
