package io.gradreg.metrics;

import io.gradreg.store.Cell;
import io.gradreg.store.RunId;
import static io.gradreg.metrics.JobProgressMetersTest.run;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.store.RunStatus;
import io.gradreg.training.TrainingListener.Progress;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The names the dashboards and docs/operations.md rely on, as the Prometheus registry exposes them. */
class PrometheusNamesTest {

    @Test
    void exposedNamesFollowPrometheusConventions() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JobLabels job = new JobLabels("quickstart", 2, "quickstart");
        RunMeters run = new RunMeters(job, new RunId(new Cell("baseline", "none", "50/class"), 0));
        run.bindTo(registry);
        run.onMinibatch(new Progress(1, 10, 2.3, 0, 0.001, 3_000_000));
        JobProgressMeters progress = new JobProgressMeters(job);
        progress.bindTo(registry);
        new TestAccuracyMeters(job, registry).update(List.of(run("a", RunStatus.EVALUATED, 10, 10, 0.5)));
        try (ProcessMeters process = new ProcessMeters(job)) {
            process.bindTo(registry);
            String text = registry.scrape();
            for (String series : List.of(
                    "gradreg_minibatches_total{architecture=\"baseline\",execution=\"2\",experiment=\"quickstart\","
                            + "gradreg_job=\"quickstart\",regularizer=\"none\",run=\"0\",shard=\"0/1\","
                            + "train_size=\"50/class\",} 1.0",
                    "gradreg_training_loss{", "gradreg_training_penalty{", "gradreg_learning_rate{",
                    "gradreg_minibatch_duration_seconds_bucket{", "gradreg_minibatch_duration_seconds_count{",
                    "gradreg_minibatch_duration_seconds_sum{", "gradreg_test_accuracy_ratio{",
                    "gradreg_job_runs{", "state=\"failed\"", "gradreg_job_minibatches_planned{",
                    "gradreg_job_minibatches_done{", "gradreg_job_eta_seconds{",
                    "gradreg_process_resident_memory_bytes{", "jvm_memory_used_bytes{", "process_cpu_usage{",
                    "# HELP gradreg_training_loss Mean cross-entropy of the run's latest minibatch")) {
                assertTrue(text.contains(series), series + " missing in\n" + text);
            }
            assertFalse(text.contains("process_start_time_seconds"), "the Pushgateway would refuse it");
            assertTrue(text.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{"))
                    .allMatch(l -> l.contains("execution=\"2\"")), "JVM meters carry the job's labels");
        }
    }
}
