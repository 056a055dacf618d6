package io.gradreg.batch;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Minibatches done per run in this process, for progress display; the database has the durable state. */
@ApplicationScoped
public class JobProgress {

    private final Map<String, Integer> done = new ConcurrentHashMap<>();

    public void update(long instanceId, String runKey, int minibatches) {
        done.put(instanceId + ":" + runKey, minibatches);
    }

    public int done(long instanceId, String runKey) {
        return done.getOrDefault(instanceId + ":" + runKey, 0);
    }
}
