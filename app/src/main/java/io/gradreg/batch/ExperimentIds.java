package io.gradreg.batch;

import io.gradreg.plan.Sharding;
import io.gradreg.store.Experiments;
import io.gradreg.store.JobSources;
import io.gradreg.store.ResultsStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Experiment ids: what {@code --experiment}, runs files, shards and metrics call an experiment.
 * An experiment's id is its name (the job's {@code experiment} property, or
 * {@code -p experiment=NAME}) when that name is its own in the store: when no earlier experiment
 * of the store holds the name with other job XML or other parameters. Otherwise it is the name and
 * the first 12 hex digits of its fingerprint ({@link Sharding#hashedId}). {@code --experiment-id}
 * names an experiment outright.
 *
 * <p>"Earlier" is store order (job instance ids), so an id never changes as the store grows: the
 * first experiment named {@code quickstart} is {@code quickstart}, and so is every later one planned
 * by the same job and parameters; one with {@code -p runs=5} is {@code quickstart-<12 hex>}. An
 * experiment holds a name by being registered under it (shards, imports) or, for a job run without
 * shards, by having it as its name. Nothing is stored for a job run without shards: its id is
 * derived here whenever it is needed, by the same rule.
 */
@ApplicationScoped
public class ExperimentIds {

    /** An experiment as the store knows it, at the job instance its runs are recorded under. */
    private record Known(long instance, String name, String fingerprint, boolean registered) {
    }

    @Inject
    Workspace workspace;

    /** The id a new experiment named {@code name}, planned with {@code fingerprint}, gets in this store. */
    public String forNew(String name, String fingerprint) {
        return derive(name, fingerprint, Long.MAX_VALUE, known());
    }

    /**
     * The id of the experiment of job instance {@code instance}: the one it was registered under
     * (a shard, an import), else the one derived for a job run without shards; empty for a job
     * instance gradreg did not start.
     */
    public Optional<String> of(long instance) {
        return lookup().apply(instance);
    }

    /** {@link #of} for many job instances, reading the store's experiments once. */
    public Function<Long, Optional<String>> lookup() {
        ResultsStore store = workspace.store();
        List<Known> known = known();
        return instance -> store.experiments().of(instance).map(Experiments.Experiment::id)
                .or(() -> known.stream().filter(k -> !k.registered() && k.instance() == instance).findFirst()
                        .map(k -> derive(k.name(), k.fingerprint(), k.instance(), known)));
    }

    /** The most recent job instance run without shards whose experiment id is {@code id}. */
    public Optional<Long> unshardedInstance(String id) {
        List<Known> known = known();
        return known.stream().filter(k -> !k.registered())
                .filter(k -> derive(k.name(), k.fingerprint(), k.instance(), known).equals(id))
                .map(Known::instance).max(Comparator.naturalOrder());
    }

    private static String derive(String name, String fingerprint, long before, List<Known> known) {
        // the earliest experiment before this one that holds the name
        Optional<Known> holder = known.stream().filter(k -> k.instance() < before && k.name().equals(name)).findFirst();
        return holder.isEmpty() || holder.get().fingerprint().equals(fingerprint) ? name
                : Sharding.hashedId(name, fingerprint);
    }

    /** Every experiment of the store, oldest first: the registered ones under their ids, the others under their names. */
    private List<Known> known() {
        ResultsStore store = workspace.store();
        List<Known> known = new ArrayList<>();
        store.experiments().all().forEach(e -> known.add(new Known(e.resultsInstance(), e.id(), e.fingerprint(), true)));
        for (long instance : store.jobs().instances()) {
            store.jobs().get(instance).filter(s -> s.parameters().getProperty(Sharding.EXPERIMENT) == null)
                    .ifPresent(s -> known.add(unsharded(s)));
        }
        known.sort(Comparator.comparingLong(Known::instance));
        return known;
    }

    private static Known unsharded(JobSources.JobSource source) {
        Properties plain = new Properties();
        source.parameters().stringPropertyNames().stream().filter(k -> !k.startsWith("gradreg."))
                .forEach(k -> plain.setProperty(k, source.parameters().getProperty(k)));
        String name = plain.getProperty("experiment");
        if (name == null) {
            name = JobFiles.parse(source.xml(), source.source()).properties().getProperty("experiment", "experiment");
        }
        return new Known(source.instanceId(), name.trim(), Sharding.fingerprint(source.xml(), plain), false);
    }
}
