package io.gradreg.batch;

import io.gradreg.data.Mnist;
import io.gradreg.data.SubsetSpec;
import io.gradreg.model.Architecture;
import io.gradreg.model.Initialization;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.regularizer.WeightConvention;
import io.gradreg.spi.RegularizerException;
import io.gradreg.training.TrainingConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * An experiment grid read from a job's properties, each overridable by a job parameter
 * ({@code gradreg run <job> -p runs=3}):
 *
 * <pre>
 *   experiment      name used in reports                     c6
 *   architectures   LeNet-5 variants                         baseline dropout batchnorm
 *   regularizers    regularizer names                        spectreg jacreg frobreg
 *   weight.NAME     weight of regularizer NAME: one number,  0.03
 *                   or SIZE:WEIGHT pairs per training size   500:50 1000:50 2000:20
 *   weight.ARCH.NAME  the same for one architecture only     (takes precedence)
 *   weight-convention units of the weights: mean (gradreg's  paper
 *                   per-example mean, the default) or paper (as published)
 *   param.NAME.KEY  parameter KEY of regularizer NAME        param.gradl1.smoothing = 0.01
 *   train-sizes     N/class or N, space separated            200/class
 *   runs            runs per cell                            10
 *   seed            base seed; run i uses seed + i           1
 *   minibatches, batch-size, learning-rate, lr-decay-at, lr-decay, weight-decay, beta1, beta2
 *   adam-epsilon    Adam's epsilon                           1e-8
 *   init            glorot-uniform or truncated-normal       glorot-uniform
 *   conv2-padding   valid (LeNet-5) or same (TF tutorials)   valid
 *   partitions      runs trained in parallel, one PyTorch    2
 *                   thread each ('threads' is its deprecated alias)
 *   checkpoint-every  minibatches between checkpoints        500
 * </pre>
 *
 * Every value is validated here, before anything runs; messages name the property.
 */
public final class ExperimentSpec {

    private final String experiment;
    private final String description;
    private final List<RunSpec> runs;
    private final int partitions;
    private final List<String> warnings;
    private final int checkpointEvery;
    private final String expected;
    private final WeightConvention weightConvention;

    private ExperimentSpec(String experiment, String description, List<RunSpec> runs, int partitions,
            List<String> warnings, int checkpointEvery,
            String expected, WeightConvention weightConvention) {
        this.weightConvention = weightConvention;
        this.experiment = experiment;
        this.description = description;
        this.runs = List.copyOf(runs);
        this.partitions = partitions;
        this.warnings = List.copyOf(warnings);
        this.checkpointEvery = checkpointEvery;
        this.expected = expected;
    }

    /** Reads the grid from job properties overridden by parameters. */
    public static ExperimentSpec parse(Properties jobProperties, Properties parameters, Regularizers regularizers) {
        Map<String, String> p = merged(jobProperties, parameters);
        Reader r = new Reader(p);

        String experiment = r.string("experiment", "experiment");
        List<Architecture> architectures = r.list("architectures", "baseline", text -> {
            try {
                return Architecture.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("job property 'architectures': " + e.getMessage());
            }
        });
        List<String> names = r.list("regularizers", "none", name -> {
            try {
                regularizers.get(name);
                return name;
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("job property 'regularizers': " + e.getMessage());
            }
        });
        List<SubsetSpec> sizes = r.list("train-sizes", "200/class", text -> {
            SubsetSpec size;
            try {
                size = SubsetSpec.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("job property 'train-sizes': " + e.getMessage());
            }
            if (size.perClass() && size.count() > Mnist.SMALLEST_CLASS) {
                throw new IllegalArgumentException("job property 'train-sizes': " + size + " asks for more images per "
                        + "class than MNIST's smallest class has (" + Mnist.SMALLEST_CLASS + ")");
            }
            if (!size.perClass() && size.count() > Mnist.TRAIN_IMAGES) {
                throw new IllegalArgumentException("job property 'train-sizes': " + size + " exceeds the "
                        + Mnist.TRAIN_IMAGES + " MNIST training images");
            }
            return size;
        });
        Map<String, Map<String, String>> regularizerParameters = r.regularizerParameters(names, regularizers);
        int runCount = r.positiveInt("runs", "10");
        long seed = r.longValue("seed", "1");
        int batchSize = r.positiveInt("batch-size", "50");
        TrainingConfig.Builder base = TrainingConfig.builder()
                .minibatches(r.positiveInt("minibatches", "10000"))
                .batchSize(batchSize)
                .learningRate(r.positiveDouble("learning-rate", "0.001"))
                .decayAt(r.list("lr-decay-at", "0.5 0.75", t -> r.fraction("lr-decay-at", t)))
                .decayFactor(r.positiveDouble("lr-decay", "0.1"))
                .weightDecay(r.nonNegativeDouble("weight-decay", "0.0005"))
                .beta1(r.nonNegativeDouble("beta1", "0.9"))
                .beta2(r.nonNegativeDouble("beta2", "0.999"))
                .epsilon(r.positiveDouble("adam-epsilon", "1e-8"))
                .initialization(r.parsed("init", Initialization.GLOROT_UNIFORM.id(), Initialization::parse))
                .conv2Same(r.parsed("conv2-padding", "valid", ExperimentSpec::conv2Same));
        WeightConvention convention;
        try {
            convention = WeightConvention.parse(r.string(WEIGHT_CONVENTION, WeightConvention.MEAN.id()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("job property '" + WEIGHT_CONVENTION + "': " + e.getMessage());
        }
        // 'partitions', or its old name 'threads' (with a warning): a parameter of either name
        // overrides the job file's property of either name; within one source the new name wins
        List<String> warnings = new ArrayList<>();
        if (p.containsKey(DEPRECATED_PARTITIONS)) {
            warnings.add("job property '" + DEPRECATED_PARTITIONS + "' is deprecated; call it '" + PARTITIONS
                    + "' (runs trained in parallel)");
        }
        String partitionsKey = parameters.containsKey(PARTITIONS) ? PARTITIONS
                : parameters.containsKey(DEPRECATED_PARTITIONS) ? DEPRECATED_PARTITIONS
                : jobProperties.containsKey(PARTITIONS) || !jobProperties.containsKey(DEPRECATED_PARTITIONS) ? PARTITIONS
                : DEPRECATED_PARTITIONS;
        int partitions = r.positiveInt(partitionsKey, "1");
        int checkpointEvery = r.positiveInt("checkpoint-every", "500");

        List<RunSpec> runs = new ArrayList<>();
        for (Architecture architecture : architectures) {
            for (String name : names) {
                for (SubsetSpec size : sizes) {
                    double jobWeight = name.equals("none") ? 0 : r.weight(architecture, name, size);
                    double weight;
                    try {
                        weight = convention.toMean(regularizers.get(name), jobWeight, batchSize);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("job property '" + WEIGHT_CONVENTION + "': " + e.getMessage());
                    }
                    for (int i = 0; i < runCount; i++) {
                        TrainingConfig config = base.architecture(architecture).regularizer(name).weight(weight)
                                .regularizerParameters(regularizerParameters.getOrDefault(name, Map.of()))
                                .subset(size).seed(seed + i).build();
                        runs.add(new RunSpec(RunSpec.key(config, i), i, config, jobWeight));
                    }
                }
            }
        }
        return new ExperimentSpec(experiment, p.getOrDefault("description", ""), runs, partitions, warnings,
                checkpointEvery,
                p.get("expected"), convention);
    }

    /** 'valid' (false) or 'same' (true). */
    public static boolean conv2Same(String text) {
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "valid" -> false;
            case "same" -> true;
            default -> throw new IllegalArgumentException("unknown padding '" + text + "'; expected valid or same");
        };
    }

    /** Job property naming the units of the job's weights. */
    public static final String WEIGHT_CONVENTION = "weight-convention";

    /** The units the job's weights are written in (training converts them to the mean convention). */
    public WeightConvention weightConvention() {
        return weightConvention;
    }

    public String experiment() {
        return experiment;
    }

    public String description() {
        return description;
    }

    public List<RunSpec> runs() {
        return runs;
    }

    public RunSpec run(String key) {
        return runs.stream().filter(r -> r.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the experiment plans no run '" + key + "'"));
    }

    /** Runs trained in parallel (partitions of the train step). */
    public int partitions() {
        return partitions;
    }

    /** Things the user should change, though the job runs as it is (deprecated property names). */
    public List<String> warnings() {
        return warnings;
    }

    /** Job property: runs trained in parallel. */
    public static final String PARTITIONS = "partitions";

    /** The old name of {@link #PARTITIONS}, read with a warning. */
    public static final String DEPRECATED_PARTITIONS = "threads";

    public int checkpointEvery() {
        return checkpointEvery;
    }

    /** File of the paper's expected results, relative to the job file, or null. */
    public String expected() {
        return expected;
    }

    /** A job's properties overridden by its parameters, values trimmed. */
    public static Map<String, String> merged(Properties jobProperties, Properties parameters) {
        Map<String, String> p = new LinkedHashMap<>();
        jobProperties.stringPropertyNames().forEach(k -> p.put(k, jobProperties.getProperty(k).trim()));
        parameters.stringPropertyNames().forEach(k -> p.put(k, parameters.getProperty(k).trim()));
        return p;
    }

    private static final String PARAM = "param.";

    /**
     * The {@code param.NAME.KEY} entries of {@code properties}, grouped by regularizer name, in
     * name and key order (not validated against the regularizers: {@link #parse} does that).
     */
    public static Map<String, Map<String, String>> parametersByRegularizer(Map<String, String> properties) {
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

    /** Typed access to the merged properties, with messages that name the property. */
    private record Reader(Map<String, String> p) {

        String string(String key, String fallback) {
            String v = p.getOrDefault(key, fallback);
            if (v.isBlank()) {
                throw new IllegalArgumentException("job property '" + key + "' is empty");
            }
            return v;
        }

        <T> List<T> list(String key, String fallback, Function<String, T> parse) {
            List<T> out = new ArrayList<>();
            for (String item : string(key, fallback).split("[\\s,]+")) {
                if (!item.isEmpty()) {
                    out.add(parse.apply(item));
                }
            }
            return out;
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
                if (!names.contains(name)) {
                    throw new IllegalArgumentException("job property '" + PARAM + name + "."
                            + byName.get(name).keySet().iterator().next() + "' sets a parameter of regularizer '" + name
                            + "', which this job does not train (regularizers: " + String.join(" ", names) + ")");
                }
            }
            byName.forEach((name, values) -> {
                try {
                    regularizers.create(name, values);
                } catch (RegularizerException e) {
                    throw new IllegalArgumentException("job properties 'param." + name + ".*': " + e.getMessage());
                }
            });
            return byName;
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
}
