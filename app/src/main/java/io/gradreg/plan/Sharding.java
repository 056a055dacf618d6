package io.gradreg.plan;

import io.gradreg.hash.Sha256;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * A job run as one shard of an experiment. Both facts travel as job parameters, so that every
 * step (and a restart) sees them: {@code gradreg.shard} ({@code i/N}) and
 * {@code gradreg.experiment-id}, the identity the shards share across processes and machines.
 *
 * <p>Unless given ({@code --experiment-id}), the experiment id is derived from the experiment's name
 * and the fingerprint of its job XML and other parameters (the batch layer's {@code ExperimentIds}):
 * the shards of one Kubernetes Indexed Job, started from the same command line, agree on it without
 * talking to each other. Running the same experiment again under a derived id continues (and
 * then just reports) the first one; give {@code --experiment-id} to start afresh.
 */
public record Sharding(Shard shard, String experimentId, String fingerprint) {

    /** Experiment ids: they travel in file names, URLs and metric labels. */
    static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    static final String SHARD = "gradreg.shard";
    /** The job parameter naming the experiment of a shard's job instance, and of one an import created. */
    public static final String EXPERIMENT = "gradreg.experiment-id";
    static final String FINGERPRINT = "gradreg.fingerprint";

    public Sharding {
        if (!ID.matcher(experimentId).matches()) {
            throw new IllegalArgumentException("--experiment-id must be 1 to 100 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit, was '" + experimentId.replaceAll("\\p{Cntrl}", "?") + "'");
        }
    }

    /** Shard {@code shard} of the experiment {@code experimentId}, planned by this job XML and these parameters. */
    public static Sharding of(Shard shard, String experimentId, String jobXml, Properties parameters) {
        return new Sharding(shard, experimentId.trim(), fingerprint(jobXml, parameters));
    }

    /**
     * The id of an experiment named {@code name} that shares its name with another experiment of
     * other job XML or parameters: the name and the first 12 hex digits of its fingerprint.
     */
    public static String hashedId(String name, String fingerprint) {
        return name + "-" + fingerprint.substring(0, 12);
    }

    /** The sharding recorded in a job's parameters, if it is a shard. */
    public static Optional<Sharding> from(Properties parameters) {
        String shard = parameters.getProperty(SHARD);
        if (shard == null) {
            return Optional.empty();
        }
        return Optional.of(new Sharding(Shard.parse(shard), parameters.getProperty(EXPERIMENT),
                parameters.getProperty(FINGERPRINT)));
    }

    public void addTo(Properties parameters) {
        parameters.setProperty(SHARD, shard.toString());
        parameters.setProperty(EXPERIMENT, experimentId);
        parameters.setProperty(FINGERPRINT, fingerprint);
    }

    /**
     * Parameters that say how a job runs, not what it trains (how many runs at a time): the shards
     * and runs files of one experiment may differ in them, e.g. a 2-core laptop and an 8-core server.
     */
    public static final Set<String> EXECUTION_ONLY = Set.of(ExperimentSpec.PARTITIONS, ExperimentSpec.DEPRECATED_PARTITIONS);

    /**
     * SHA-256 of the job XML and its parameters (sorted, without the gradreg.* ones and the
     * {@link #EXECUTION_ONLY} ones): what makes runs equal.
     */
    public static String fingerprint(String jobXml, Properties parameters) {
        return fingerprint(jobXml, parameters, EXECUTION_ONLY);
    }

    /**
     * The fingerprint as gradreg computed it before {@link #EXECUTION_ONLY} was left out: runs
     * files exported by those builds carry it.
     */
    public static String legacyFingerprint(String jobXml, Properties parameters) {
        return fingerprint(jobXml, parameters, Set.of());
    }

    private static String fingerprint(String jobXml, Properties parameters, Set<String> left) {
        StringBuilder text = new StringBuilder(jobXml).append('\0');
        for (String key : new TreeSet<>(parameters.stringPropertyNames())) {
            if (!key.startsWith("gradreg.") && !left.contains(key)) {
                text.append(key).append('=').append(parameters.getProperty(key).trim()).append('\0');
            }
        }
        return Sha256.hex(text.toString());
    }
}
