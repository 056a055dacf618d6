package io.gradreg.plan;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * One of {@code count} shards of an experiment, numbered from 0 like Kubernetes'
 * {@code JOB_COMPLETION_INDEX}. Shard {@code i} owns the runs whose position in the experiment's
 * plan is {@code i} modulo {@code count}: the assignment depends only on the job and its
 * parameters, so every process computes the same one, and consecutive runs (the runs of one table
 * cell) are spread over the shards.
 */
public record Shard(int index, int count) {

    /** Environment variable set by a Kubernetes Indexed Job in each pod. */
    public static final String INDEX_ENV = "JOB_COMPLETION_INDEX";
    /** Environment variable giving the number of shards (the Job's {@code completions}). */
    public static final String COUNT_ENV = "GRADREG_SHARDS";

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + ": the index counts from 0 (like "
                    + INDEX_ENV + ") and must be below the number of shards, which must be at least 1");
        }
    }

    /** Parses {@code i/N}. */
    public static Shard parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash > 0) {
            try {
                return new Shard(Integer.parseInt(t.substring(0, slash)), Integer.parseInt(t.substring(slash + 1)));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("--shard '" + text + "' is not INDEX/COUNT, e.g. 0/4 for the first of 4 shards");
    }

    /**
     * The shard a Kubernetes Indexed Job pod is: {@code JOB_COMPLETION_INDEX} out of
     * {@code GRADREG_SHARDS}; empty when the process is not such a pod.
     */
    public static Optional<Shard> fromEnvironment(Map<String, String> env) {
        String index = env.get(INDEX_ENV);
        if (index == null || index.isBlank()) {
            return Optional.empty();
        }
        String count = env.get(COUNT_ENV);
        if (count == null || count.isBlank()) {
            throw new IllegalArgumentException(INDEX_ENV + " is set (a Kubernetes Indexed Job) but " + COUNT_ENV
                    + " is not: set " + COUNT_ENV + " to the Job's completions, or pass --shard INDEX/COUNT");
        }
        try {
            return Optional.of(new Shard(Integer.parseInt(index.trim()), Integer.parseInt(count.trim())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(INDEX_ENV + "='" + index + "' and " + COUNT_ENV + "='" + count
                    + "' must be integers");
        }
    }

    /** Whether this shard trains the run at {@code planOrder} (its position in the experiment's plan). */
    public boolean owns(int planOrder) {
        return planOrder % count == index;
    }

    /** This shard's runs, in plan order. */
    public <T> List<T> share(List<T> plan) {
        return IntStream.range(0, plan.size()).filter(this::owns).mapToObj(plan::get).toList();
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
