package io.gradreg.plan;

import io.gradreg.data.Mnist;
import io.gradreg.data.SubsetSpec;
import io.gradreg.model.Architecture;
import io.gradreg.model.BatchNormSettings;
import io.gradreg.model.Initialization;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.regularizer.WeightConvention;
import io.gradreg.store.Cell;
import io.gradreg.store.RunId;
import io.gradreg.robustness.RobustnessSpec;
import io.gradreg.training.CurveRecorder;
import io.gradreg.training.TrainingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

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
 *   bn-momentum     batchnorm: weight of the old running     0.9
 *                   statistics, in [0, 1) (TensorFlow's 0.99)
 *   bn-epsilon      batchnorm: added to the variance         1e-5
 *   bn-placement    batchnorm: before-relu or after-relu     before-relu
 *   bn-layers       batchnorm: all hidden layers, or conv    all
 *                   (the two convolutions only)
 *   partitions      runs trained in parallel, one PyTorch    2
 *                   thread each ('threads' is its deprecated alias)
 *   checkpoint-every  minibatches between checkpoints        500
 *   curve-every     minibatches between training-curve points 100 (at most 10,000 points a run)
 *   sweep.weight.NAME  a weight sweep: the grid of NAME        0.001 0.003 0.01 0.03
 *   sweep.runs.NAME  seeds of NAME's grid (default: runs)    3
 *   select          a sweep's selection rule: best-mean or one-se
 *   validation-images  a sweep's held-out images per run     10000
 *   robustness      what evaluation measures besides test     fgsm:0.05,0.1 pgd:0.1 noise:0.3 gradnorm
 *                   accuracy (RobustnessSpec); none by default
 * </pre>
 *
 * Every value is validated here, before anything runs; messages name the property.
 */
public final class ExperimentSpec {

    private final PlanSettings settings;
    private final List<RunSpec> runs;
    private final List<String> warnings;

    private ExperimentSpec(PlanSettings settings, List<RunSpec> runs, List<String> warnings) {
        this.settings = settings;
        this.runs = List.copyOf(runs);
        this.warnings = List.copyOf(warnings);
    }

    /** Reads the grid from job properties overridden by parameters. */
    public static ExperimentSpec parse(Properties jobProperties, Properties parameters, Regularizers regularizers) {
        Map<String, String> p = JobProperties.merged(jobProperties, parameters);
        JobProperties r = new JobProperties(p);
        r.checkKeys();

        String experiment = r.string("experiment", "experiment");
        if (!SAFE_NAME.matcher(experiment).matches()) {
            throw new IllegalArgumentException("job property 'experiment' must be 1 to 64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit (it names report directories), was '" + experiment + "'");
        }
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
        r.checkWeightKeys(names, architectures, parameters.stringPropertyNames(), regularizers);
        Map<String, Map<String, String>> regularizerParameters = r.regularizerParameters(names, regularizers);
        int runCount = r.positiveInt("runs", "10", MAX_RUNS);
        Map<String, Integer> sweepRuns = new java.util.HashMap<>();
        SweepSettings sweep = SweepSettings.parse(r, p, names, architectures, sizes, runCount, sweepRuns);
        long planned = 0;
        for (String name : names) {
            planned += (long) Math.max(1, sweep == null ? 1 : sweep.grid(name).size())
                    * sweepRuns.getOrDefault(name, runCount);
        }
        if (planned * architectures.size() * sizes.size() > MAX_RUNS) {
            throw new IllegalArgumentException("the job plans " + planned * architectures.size() * sizes.size()
                    + " runs (architectures x regularizers" + (sweep == null ? "" : " x grid weights")
                    + " x train-sizes x runs); at most " + MAX_RUNS + " fit one experiment: split it into several jobs");
        }
        if (sweep != null) {
            for (SubsetSpec size : sizes) {
                int training = size.perClass() ? size.count() * Mnist.CLASSES : size.count();
                if (training + sweep.validationImages() > Mnist.TRAIN_IMAGES) {
                    throw new IllegalArgumentException("job property 'validation-images': " + sweep.validationImages()
                            + " validation images and a training subset of " + training + " (" + size + ") exceed MNIST's "
                            + Mnist.TRAIN_IMAGES + " training images; use at most " + (Mnist.TRAIN_IMAGES - training));
                }
            }
        }
        // the defaults are TrainingConfig's (its builder holds the paper's protocol)
        TrainingConfig d = TrainingConfig.builder().build();
        long seed = r.longValue("seed", Long.toString(d.seed()));
        int batchSize = r.positiveInt("batch-size", Integer.toString(d.batchSize()), Mnist.TRAIN_IMAGES);
        TrainingConfig.Builder base = d.toBuilder()
                .minibatches(r.positiveInt("minibatches", Integer.toString(d.minibatches()), MAX_MINIBATCHES))
                .batchSize(batchSize)
                .learningRate(r.positiveDouble("learning-rate", Double.toString(d.learningRate())))
                .decayAt(r.list("lr-decay-at", d.decayAt().stream().map(String::valueOf).collect(Collectors.joining(" ")),
                        t -> r.fraction("lr-decay-at", t)))
                .decayFactor(r.positiveDouble("lr-decay", Double.toString(d.decayFactor())))
                .weightDecay(r.nonNegativeDouble("weight-decay", Double.toString(d.weightDecay())))
                .beta1(r.nonNegativeDouble("beta1", Double.toString(d.beta1())))
                .beta2(r.nonNegativeDouble("beta2", Double.toString(d.beta2())))
                .epsilon(r.positiveDouble("adam-epsilon", Double.toString(d.epsilon())))
                .initialization(r.parsed("init", d.initialization().id(), Initialization::parse))
                .conv2Same(r.parsed("conv2-padding", d.conv2Same() ? "same" : "valid", ExperimentSpec::conv2Same))
                .batchNorm(batchNorm(r, d.batchNorm()));
        WeightConvention convention;
        try {
            convention = WeightConvention.parse(r.string(WEIGHT_CONVENTION, WeightConvention.MEAN.id()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("job property '" + WEIGHT_CONVENTION + "': " + e.getMessage());
        }
        // 'partitions', or its old name 'threads' (with a warning): a parameter of either name
        // overrides the job file's property of either name; within one source the new name wins
        List<String> warnings = new ArrayList<>();
        if (!architectures.contains(Architecture.BATCHNORM) && p.keySet().stream().anyMatch(BATCH_NORM_KEYS::contains)) {
            warnings.add("job properties " + String.join(", ", BATCH_NORM_KEYS) + " change only the batchnorm "
                    + "architecture, which this job does not train");
        }
        if (p.containsKey(DEPRECATED_PARTITIONS)) {
            warnings.add("job property '" + DEPRECATED_PARTITIONS + "' is deprecated; call it '" + PARTITIONS
                    + "' (runs trained in parallel)");
        }
        String partitionsKey = parameters.containsKey(PARTITIONS) ? PARTITIONS
                : parameters.containsKey(DEPRECATED_PARTITIONS) ? DEPRECATED_PARTITIONS
                : jobProperties.containsKey(PARTITIONS) || !jobProperties.containsKey(DEPRECATED_PARTITIONS) ? PARTITIONS
                : DEPRECATED_PARTITIONS;
        int partitions = r.positiveInt(partitionsKey, "1", MAX_PARTITIONS);
        int checkpointEvery = r.positiveInt("checkpoint-every", "500", MAX_MINIBATCHES);
        int curveEvery = r.positiveInt("curve-every", Integer.toString(CurveRecorder.DEFAULT_EVERY), MAX_MINIBATCHES);
        CurveRecorder.check("job property 'curve-every'", curveEvery, base.build().minibatches());
        RobustnessSpec robustness = r.parsed(RobustnessSpec.PROPERTY, "none", RobustnessSpec::parse);

        List<RunSpec> runs = new ArrayList<>();
        for (Architecture architecture : architectures) {
            for (String name : names) {
                for (SubsetSpec size : sizes) {
                    // a sweep trains each weight of the grid, as a cell of its own (spectreg=0.003)
                    List<Double> jobWeights = name.equals("none") ? List.of(0.0)
                            : sweep != null ? sweep.grid(name) : List.of(r.weight(architecture, name, size));
                    for (double jobWeight : jobWeights) {
                        double weight;
                        try {
                            weight = convention.toMean(regularizers.get(name), jobWeight, batchSize);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("job property '" + WEIGHT_CONVENTION + "': " + e.getMessage());
                        }
                        String label = sweep != null && !name.equals("none") ? Cell.gridLabel(name, jobWeight) : name;
                        for (int i = 0; i < sweepRuns.getOrDefault(name, runCount); i++) {
                            TrainingConfig config = base.architecture(architecture).regularizer(name).weight(weight)
                                    .regularizerParameters(regularizerParameters.getOrDefault(name, Map.of()))
                                    .subset(size).seed(seed + i).build();
                            String key = new RunId(new Cell(architecture.id(), label, size.toString()), i).toString();
                            runs.add(new RunSpec(key, i, config, jobWeight));
                        }
                    }
                }
            }
        }
        if (runs.isEmpty()) { // whatever produced it: a plan of no run would start a job that does nothing
            throw new IllegalArgumentException("the job plans no run (architectures x regularizers x train-sizes x runs "
                    + "is 0); name at least one of each");
        }
        PlanSettings settings = new PlanSettings(experiment, p.getOrDefault("description", ""), partitions,
                checkpointEvery, convention.id(), p.get("expected"), p.get("observed"), p.get("claims"),
                regularizerParameters, curveEvery, robustness.isEmpty() ? null : robustness.text(), sweep);
        return new ExperimentSpec(settings, runs, warnings);
    }

    /** Experiment names: they name report directories and metric labels. */
    public static final java.util.regex.Pattern SAFE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Bounds checked before anything is allocated. */
    static final int MAX_RUNS = 100_000;
    static final int MAX_MINIBATCHES = 100_000_000;
    static final int MAX_PARTITIONS = 256;

    /** The job properties of {@link BatchNormSettings}. */
    static final List<String> BATCH_NORM_KEYS = List.of("bn-momentum", "bn-epsilon", "bn-placement", "bn-layers");

    private static BatchNormSettings batchNorm(JobProperties r, BatchNormSettings d) {
        return new BatchNormSettings(
                r.parsed("bn-momentum", Double.toString(d.momentum()), BatchNormSettings::parseMomentum),
                r.parsed("bn-epsilon", Double.toString(d.epsilon()), BatchNormSettings::parseEpsilon),
                r.parsed("bn-placement", d.placement().id(), BatchNormSettings.Placement::parse),
                r.parsed("bn-layers", d.layers().id(), BatchNormSettings.Layers::parse));
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
        return settings.convention();
    }

    /** The job-level settings, as stored with the plan. */
    public PlanSettings settings() {
        return settings;
    }

    public String experiment() {
        return settings.experiment();
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
        return settings.partitions();
    }

    /** Things the user should change, though the job runs as it is (deprecated property names). */
    public List<String> warnings() {
        return warnings;
    }

    /** Job property: runs trained in parallel. */
    public static final String PARTITIONS = "partitions";

    /** The old name of {@link #PARTITIONS}, read with a warning. */
    public static final String DEPRECATED_PARTITIONS = "threads";
}
