package io.gradreg.batch;

import io.gradreg.training.TrainingListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Minibatches done per run in this process, and the latest minibatch of each run in flight (its
 * loss and penalty), for progress display; the database has the durable state.
 */
@ApplicationScoped
public class JobProgress {

    private final Map<String, Integer> done = new ConcurrentHashMap<>();
    private final Map<String, TrainingListener.Progress> inFlight = new ConcurrentHashMap<>();

    public void update(long instanceId, String runKey, int minibatches) {
        done.put(instanceId + ":" + runKey, minibatches);
    }

    /** A run's latest minibatch: how far it is, and its loss and penalty while it trains. */
    public void update(long instanceId, String runKey, TrainingListener.Progress p) {
        update(instanceId, runKey, p.minibatch());
        inFlight.put(instanceId + ":" + runKey, p);
    }

    /** A run's training ended (trained, stopped or failed): it is no longer in flight. */
    public void ended(long instanceId, String runKey) {
        inFlight.remove(instanceId + ":" + runKey);
    }

    public int done(long instanceId, String runKey) {
        return done.getOrDefault(instanceId + ":" + runKey, 0);
    }

    /** The latest minibatch of each of this process's runs of a job instance in flight, by run key. */
    public Map<String, TrainingListener.Progress> inFlight(long instanceId) {
        String prefix = instanceId + ":";
        Map<String, TrainingListener.Progress> runs = new java.util.TreeMap<>();
        inFlight.forEach((key, p) -> {
            if (key.startsWith(prefix)) {
                runs.put(key.substring(prefix.length()), p);
            }
        });
        return runs;
    }

    /**
     * "loss L penalty P" of the runs in flight, one figure per run (at most {@code max}, then "…"),
     * in run-key order; "" when none is.
     */
    public static String lossAndPenalty(List<TrainingListener.Progress> runs, int max) {
        if (runs.isEmpty()) {
            return "";
        }
        List<TrainingListener.Progress> shown = runs.subList(0, Math.min(max, runs.size()));
        String more = runs.size() > max ? ", …" : "";
        return "loss " + String.join(", ", shown.stream().map(p -> String.format(java.util.Locale.ROOT, "%.4f", p.loss())).toList()) + more
                + " penalty " + String.join(", ", shown.stream().map(p -> String.format(java.util.Locale.ROOT, "%.4g", p.penalty())).toList())
                + more;
    }
}
