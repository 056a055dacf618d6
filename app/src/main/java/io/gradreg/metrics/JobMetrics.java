package io.gradreg.metrics;

import io.gradreg.store.Database;
import io.gradreg.store.RunRecord;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The metrics of one job execution while this process runs it: job-level and process meters,
 * {@code /q/metrics} on the configured host and port, and, when a Pushgateway URL is configured,
 * a push every {@code gradreg.metrics.push-interval} and a last one when the job has ended.
 * Training partitions add their own meters through {@link TrainingMeters}.
 *
 * <p>This package knows nothing of the batch layer: a session gets its labels, a supplier of the
 * experiment's recorded runs and a function giving the minibatches a live run has done.
 */
@ApplicationScoped
public class JobMetrics {

    /** How often job-level values are recomputed from the recorded runs. */
    static final long REFRESH_MILLIS = 1000;

    @Inject
    MetricsSettings settings;

    @Inject
    MeterRegistry registry;

    @Inject
    PrometheusMeterRegistry prometheus;

    /**
     * Starts serving (and pushing) the metrics of a started execution; close it when the job has ended.
     *
     * @param runs the experiment's recorded runs, read again at every refresh
     * @param liveDone minibatches done by a run that is training in this process (else its recorded count)
     */
    public Session open(JobLabels labels, Supplier<List<RunRecord>> runs, ToIntFunction<RunRecord> liveDone,
            PrintWriter log) {
        return open(labels, runs, Map::of, liveDone, log);
    }

    /** As {@link #open(JobLabels, Supplier, ToIntFunction, PrintWriter)}, with the runs' robustness measures by run key. */
    public Session open(JobLabels labels, Supplier<List<RunRecord>> runs,
            Supplier<Map<String, Map<String, Double>>> measures, ToIntFunction<RunRecord> liveDone, PrintWriter log) {
        return new Session(labels, runs, measures, liveDone, log);
    }

    /** Serving and pushing one execution's metrics; {@link #close()} pushes once more and stops. */
    public final class Session implements AutoCloseable {

        private final JobLabels labels;
        private final Supplier<List<RunRecord>> runs;
        private final Supplier<Map<String, Map<String, Double>>> measures;
        private final ToIntFunction<RunRecord> liveDone;
        private final PrintWriter log;
        private final JobProgressMeters jobMeters;
        private final TestAccuracyMeters accuracyMeters;
        private final RobustAccuracyMeters robustMeters;
        private final ProcessMeters processMeters;
        private final MetricsServer server;
        private final Pushgateway pushgateway;
        private final ScheduledExecutorService scheduler;
        private volatile boolean pushFailed;

        private Session(JobLabels labels, Supplier<List<RunRecord>> runs,
                Supplier<Map<String, Map<String, Double>>> measures, ToIntFunction<RunRecord> liveDone, PrintWriter log) {
            this.labels = labels;
            this.runs = runs;
            this.measures = measures;
            this.liveDone = liveDone;
            this.log = log;
            jobMeters = new JobProgressMeters(labels);
            jobMeters.bindTo(registry);
            accuracyMeters = new TestAccuracyMeters(labels, registry);
            robustMeters = new RobustAccuracyMeters(labels, registry);
            processMeters = new ProcessMeters(labels);
            processMeters.bindTo(registry);
            refresh();
            server = serve();
            pushgateway = settings.pushgateway()
                    .map(url -> settings.pushGroup().map(g -> new Pushgateway(url, labels.jobName(), g))
                            .orElseGet(() -> new Pushgateway(url, labels.jobName(), labels.execution())))
                    .orElse(null);
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gradreg-metrics");
                t.setDaemon(true);
                return t;
            });
            scheduler.scheduleWithFixedDelay(this::refresh, REFRESH_MILLIS, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
            if (pushgateway != null) {
                log.println("metrics: pushing to " + Database.mask(String.valueOf(pushgateway.groupUri())) + " every " + settings.pushInterval().toSeconds()
                        + " s and when the job ends");
                long every = settings.pushInterval().toMillis();
                scheduler.scheduleWithFixedDelay(this::push, 0, every, TimeUnit.MILLISECONDS);
            }
            log.flush();
        }

        /** The metrics server, or null (with a warning) when none can be bound: metrics never stop a job. */
        private MetricsServer serve() {
            try {
                MetricsServer s = MetricsServer.start(settings.host(), settings.port(), prometheus::scrape);
                log.println(s.describe());
                return s;
            } catch (UncheckedIOException e) {
                log.println("warning: " + e.getMessage());
                return null;
            }
        }

        /** Where the job stands, as of the last refresh (every second). */
        public JobProgressMeters.Snapshot progress() {
            return jobMeters.snapshot();
        }

        /** Reads the store and recomputes every job meter now. */
        public void refresh() {
            try {
                List<RunRecord> recorded = runs.get();
                jobMeters.update(recorded, liveDone, System.nanoTime());
                accuracyMeters.update(recorded);
                robustMeters.update(recorded, measures.get());
            } catch (RuntimeException e) {
                // the job itself reports database trouble; metrics keep their last values
            }
        }

        private void push() {
            try {
                pushgateway.push(prometheus.scrape());
                pushFailed = false;
            } catch (IOException | RuntimeException e) {
                if (!pushFailed) {
                    log.println("warning: cannot push metrics to " + Database.mask(String.valueOf(pushgateway.groupUri())) + ": " + e.getMessage());
                    log.flush();
                }
                pushFailed = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Recomputes and pushes the values now (when the process stops on a signal). */
        public void pushNow() {
            refresh();
            if (pushgateway != null) {
                pushFailed = false;
                push();
            }
        }

        /** Recomputes, pushes the final values, stops serving and forgets this execution's meters. */
        @Override
        public void close() {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            refresh();
            if (pushgateway != null) {
                pushFailed = false;
                push();
            }
            if (server != null) {
                server.close();
            }
            processMeters.close();
            String execution = Long.toString(labels.execution());
            for (Meter m : registry.getMeters()) {
                if (execution.equals(m.getId().getTag(JobLabels.EXECUTION))) {
                    registry.remove(m);
                }
            }
        }
    }
}
