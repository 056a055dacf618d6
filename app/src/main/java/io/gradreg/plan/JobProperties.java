package io.gradreg.plan;

import io.gradreg.data.SubsetSpec;
import io.gradreg.model.Architecture;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.spi.RegularizerException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * A job's properties overridden by its parameters, read as typed values, with messages that name
 * the property. Used by {@link ExperimentSpec#parse} only.
 */
public final class JobProperties {

    private final Map<String, String> p;

    JobProperties(Map<String, String> p) {
        this.p = p;
    }

    /** A job's properties overridden by its parameters, values trimmed. */
    static Map<String, String> merged(Properties jobProperties, Properties parameters) {
        Map<String, String> p = new LinkedHashMap<>();
        jobProperties.stringPropertyNames().forEach(k -> p.put(k, jobProperties.getProperty(k).trim()));
        parameters.stringPropertyNames().forEach(k -> p.put(k, parameters.getProperty(k).trim()));
        p.forEach(JobProperties::checkCharacters);
        return p;
    }

    /** The job properties gradreg reads, besides the patterns weight.NAME, weight.ARCH.NAME and param.NAME.KEY. */
    static final Set<String> KNOWN = Set.of("experiment", "description", "architectures", "regularizers",
            "weight-convention", "train-sizes", "runs", "seed", "minibatches", "batch-size", "learning-rate",
            "lr-decay-at", "lr-decay", "weight-decay", "beta1", "beta2", "adam-epsilon", "init", "conv2-padding",
            "bn-momentum", "bn-epsilon", "bn-placement", "bn-layers",
            "partitions", "threads", "checkpoint-every", "curve-every", "expected", "observed", "claims",
            "robustness", SweepSettings.SELECT, SweepSettings.VALIDATION_IMAGES);

    /** Prefix of the job parameters gradreg sets itself (shard, experiment id, plan); never set by users. */
    public static final String RESERVED = "gradreg.";

    /**
     * Refuses a property gradreg does not know, naming the closest known one: a misspelt key would
     * otherwise be ignored and the job run with the default.
     */
    void checkKeys() {
        for (String key : p.keySet()) {
            if (KNOWN.contains(key) || key.startsWith(RESERVED) || key.startsWith("weight.") || key.startsWith("param.")
                    || key.startsWith("sweep.")) {
                continue;
            }
            throw new IllegalArgumentException("unknown job property '" + key + "'" + didYouMean(KNOWN, key)
                    + " (the properties: docs/jobs.md, \"Job properties\")");
        }
    }

    /** "; did you mean 'K'?" naming the candidate closest to {@code key} (edit distance at most 3), else "". */
    static String didYouMean(java.util.Collection<String> candidates, String key) {
        LevenshteinDistance distance = new LevenshteinDistance(3);
        return candidates.stream().filter(k -> distance.apply(k, key) >= 0)
                .min(java.util.Comparator.comparingInt((String k) -> distance.apply(k, key)).thenComparing(k -> k))
                .map(k -> "; did you mean '" + k + "'?").orElse("");
    }

    /** Control characters would survive in JBeret's stored parameters differently from what was checked. */
    private static void checkCharacters(String key, String value) {
        for (String text : new String[] {key, value}) {
            for (int i = 0; i < text.length(); i++) {
                if (Character.isISOControl(text.charAt(i))) {
                    throw new IllegalArgumentException("job property '" + key.replaceAll("\\p{Cntrl}", "?")
                            + "' contains a control character (U+" + String.format("%04X", (int) text.charAt(i))
                            + "); write it on one line, without tabs");
                }
            }
        }
    }

    private static final String PARAM = "param.";

    /**
     * The {@code param.NAME.KEY} entries of {@code properties}, grouped by regularizer name, in
     * name and key order (not validated against the regularizers: {@link #parse} does that).
     */
    static Map<String, Map<String, String>> parametersByRegularizer(Map<String, String> properties) {
        Map<String, Map<String, String>> byName = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
            if (!e.getKey().startsWith(PARAM)) {
                continue;
            }
            String rest = e.getKey().substring(PARAM.length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1) {
                throw new IllegalArgumentException("job property '" + e.getKey() + "': name a regularizer's "
                        + "parameter as 'param.REGULARIZER.PARAMETER', e.g. 'param.gradl1.smoothing'");
            }
            byName.computeIfAbsent(rest.substring(0, dot), n -> new TreeMap<>()).put(rest.substring(dot + 1), e.getValue());
        }
        return byName;
    }


    String string(String key, String fallback) {
        String v = p.getOrDefault(key, fallback);
        if (v.isBlank()) {
            throw new IllegalArgumentException("job property '" + key + "' is empty");
        }
        return v;
    }

    /** A list of distinct items, separated by spaces or commas. */
    <T> List<T> list(String key, String fallback, Function<String, T> parse) {
        List<T> out = new ArrayList<>();
        for (String item : string(key, fallback).split("[\\s,]+")) {
            if (!item.isEmpty()) {
                T value = parse.apply(item);
                if (out.contains(value)) {
                    throw new IllegalArgumentException("job property '" + key + "' lists '" + item + "' twice");
                }
                out.add(value);
            }
        }
        if (out.isEmpty()) { // "," would plan no run
            throw new IllegalArgumentException("job property '" + key + "' is empty");
        }
        return out;
    }

    /** A positive integer of at most {@code max}: sizes are bounded before anything is allocated. */
    int positiveInt(String key, String fallback, int max) {
        int n = positiveInt(key, fallback);
        if (n > max) {
            throw new IllegalArgumentException("job property '" + key + "' must be at most " + max + ", was " + n);
        }
        return n;
    }

    <T> T parsed(String key, String fallback, Function<String, T> parse) {
        try {
            return parse.apply(string(key, fallback));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("job property '" + key + "': " + e.getMessage());
        }
    }

    int positiveInt(String key, String fallback) {
        String v = string(key, fallback);
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("job property '" + key + "' must be a positive integer, was '" + v + "'");
    }

    long longValue(String key, String fallback) {
        String v = string(key, fallback);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("job property '" + key + "' must be an integer, was '" + v + "'");
        }
    }

    double positiveDouble(String key, String fallback) {
        double d = number(key, string(key, fallback));
        if (!(d > 0)) {
            throw new IllegalArgumentException("job property '" + key + "' must be a positive number, was '"
                    + p.getOrDefault(key, fallback) + "'");
        }
        return d;
    }

    double nonNegativeDouble(String key, String fallback) {
        double d = number(key, string(key, fallback));
        if (!(d >= 0)) {
            throw new IllegalArgumentException("job property '" + key + "' must be zero or a positive number, was '"
                    + p.getOrDefault(key, fallback) + "'");
        }
        return d;
    }

    double fraction(String key, String text) {
        double d = number(key, text);
        if (!(d > 0 && d < 1)) {
            throw new IllegalArgumentException("job property '" + key + "' takes fractions of training in (0, 1), got '"
                    + text + "'");
        }
        return d;
    }

    double number(String key, String text) {
        try {
            double d = Double.parseDouble(text);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("job property '" + key + "' must be a number, was '" + text + "'");
    }

    /**
     * param.NAME.KEY properties, by regularizer name; each regularizer is created once with its
     * parameters, so that an unknown parameter or a bad value stops the job before it starts.
     */
    Map<String, Map<String, String>> regularizerParameters(List<String> names, Regularizers regularizers) {
        Map<String, Map<String, String>> byName = parametersByRegularizer(p);
        for (String name : byName.keySet()) {
            String key = byName.get(name).keySet().iterator().next();
            if (!names.contains(name)) {
                throw new IllegalArgumentException("job property '" + PARAM + name + "." + key
                        + "' sets a parameter of regularizer '" + name + "', which this job does not train"
                        + didYouMean(names.stream().map(n -> PARAM + n + "." + key).toList(), PARAM + name + "." + key)
                        + " (regularizers: " + String.join(" ", names) + ")");
            }
        }
        byName.forEach((name, values) -> {
            List<String> declared = regularizers.get(name).parameters().stream()
                    .map(io.gradreg.spi.ParameterSpec::name).toList();
            for (String key : values.keySet()) {
                if (!declared.contains(key)) {
                    throw new IllegalArgumentException("job property '" + PARAM + name + "." + key + "': regularizer '"
                            + name + "' has no parameter '" + key + "'"
                            + (declared.isEmpty() ? "; it takes no parameters" : didYouMean(declared, key)
                                    + " (its parameters: " + String.join(" ", declared) + ")"));
                }
            }
            try {
                regularizers.create(name, values);
            } catch (RegularizerException e) {
                throw new IllegalArgumentException("job properties 'param." + name + ".*': " + e.getMessage());
            }
        });
        return byName;
    }

    /**
     * Refuses a {@code weight.*} property that no run reads: a misspelt regularizer or architecture
     * (-p weight.spectrg=0.1) would otherwise leave the job's own weight in place without a word.
     * Names the closest key a run would read. A job file's own weights may name any existing
     * regularizer (a parameter may leave it out of the run); overrides must be read.
     */
    void checkWeightKeys(List<String> names, List<Architecture> architectures, Set<String> overridden,
            Regularizers regularizers) {
        Set<String> read = new TreeSet<>();
        for (String name : names) {
            read.add("weight." + name);
            for (Architecture a : architectures) {
                read.add("weight." + a.id() + "." + name);
            }
        }
        for (String key : p.keySet()) {
            if (key.startsWith("weight.") && !read.contains(key)
                    && (overridden.contains(key) || !namesKnownRegularizer(key, regularizers))) {
                throw new IllegalArgumentException("job property '" + key + "' is the weight of no run of this job"
                        + didYouMean(read, key) + " (regularizers: "
                        + String.join(" ", names) + "; architectures: " + architectures.stream().map(Architecture::id)
                                .collect(java.util.stream.Collectors.joining(" ")) + ")");
            }
        }
    }

    /** A job file may weigh regularizers the run's parameters deselect, as long as they exist. */
    private static boolean namesKnownRegularizer(String key, Regularizers regularizers) {
        String[] parts = key.split("\\.");
        try {
            if (parts.length == 3) {
                Architecture.parse(parts[1]);
            } else if (parts.length != 2) {
                return false;
            }
            regularizers.get(parts[parts.length - 1]);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The weight the job file's own properties give {@code run} when its parameters gave it another
     * (a {@code -p weight.*} override), so that reports can say so; empty when the weight is the job
     * file's. NaN: the job file gives the run no weight at all.
     */
    public static java.util.OptionalDouble overriddenWeight(Properties jobProperties, Properties parameters,
            RunSpec run) {
        String name = run.config().regularizer();
        if (name.equals("none") || parameters.stringPropertyNames().stream().noneMatch(k -> k.startsWith("weight."))) {
            return java.util.OptionalDouble.empty();
        }
        double own;
        try {
            own = new JobProperties(merged(jobProperties, new Properties()))
                    .weight(run.config().architecture(), name, run.config().subset());
        } catch (IllegalArgumentException e) {
            own = Double.NaN;
        }
        return own == run.jobWeight() ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(own);
    }

    /** weight.ARCH.NAME, else weight.NAME: one number, or SIZE:WEIGHT pairs. */
    double weight(Architecture architecture, String name, SubsetSpec size) {
        String key = "weight." + architecture.id() + "." + name;
        if (!p.containsKey(key)) {
            key = "weight." + name;
        }
        String value = p.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("no weight for regularizer '" + name + "': set job property 'weight."
                    + name + "' (or 'weight." + architecture.id() + "." + name + "')");
        }
        if (!value.contains(":")) {
            return weightValue(key, value);
        }
        for (String pair : value.split("[\\s,]+")) {
            int colon = pair.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("job property '" + key + "': '" + pair + "' is not SIZE:WEIGHT");
            }
            SubsetSpec at;
            try {
                at = SubsetSpec.parse(pair.substring(0, colon));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("job property '" + key + "': " + e.getMessage());
            }
            if (at.equals(size)) {
                return weightValue(key, pair.substring(colon + 1));
            }
        }
        throw new IllegalArgumentException("job property '" + key + "' gives no weight for training-set size " + size);
    }

    double weightValue(String key, String text) {
        double d;
        try {
            d = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("job property '" + key + "': weight '" + text + "' is not a number");
        }
        if (!(d >= 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("job property '" + key + "': weight " + text
                    + " must be zero or positive");
        }
        return d;
    }
}
