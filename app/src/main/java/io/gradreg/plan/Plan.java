package io.gradreg.plan;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An experiment as planned at launch and stored (the batch layer's {@code PlanStore}): its
 * settings and every run's complete configuration, keyed by {@code id}, the SHA-256 of its stored
 * content. Steps and reports read it from the store; nothing after launch parses job properties.
 */
public record Plan(String id, PlanSettings settings, List<RunSpec> runs) {

    public Plan {
        runs = List.copyOf(runs);
    }

    public String experiment() {
        return settings.experiment();
    }

    /** The runs by key, in plan order. */
    public Map<String, RunSpec> byKey() {
        return runs.stream().collect(Collectors.toMap(RunSpec::key, Function.identity(), (a, b) -> a,
                java.util.LinkedHashMap::new));
    }

    /** The runs a job trains: all of them, or a shard's share. */
    public List<RunSpec> share(Sharding sharding) {
        return sharding == null ? runs : sharding.shard().share(runs);
    }
}
