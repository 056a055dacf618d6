package io.gradreg.cli;

import io.gradreg.data.SubsetSpec;
import io.gradreg.plan.ExperimentSpec;
import io.gradreg.model.Architecture;
import io.gradreg.model.BatchNormSettings;
import io.gradreg.model.Initialization;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.regularizer.WeightConvention;
import io.gradreg.training.TrainingConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The options that make a {@link TrainingConfig}, named as the job properties are; their defaults
 * come from {@link TrainingConfig.Builder} (the paper's protocol) through {@link Defaults}, so they
 * are written in one place.
 */
class TrainingOptions {

    @Option(names = {"-a", "--architecture"},
            description = "baseline, dropout or batchnorm (default: ${DEFAULT-VALUE})")
    String architecture;

    @Option(names = {"-r", "--regularizer"},
            description = "regularizer name, see 'gradreg regularizers' (default: ${DEFAULT-VALUE})")
    String regularizer;

    @Option(names = {"-w", "--weight"},
            description = "weight of the penalty in the loss (default: ${DEFAULT-VALUE})")
    double weight;

    @Option(names = "--weight-convention", paramLabel = "mean|paper",
            description = "units of --weight: mean (gradreg's per-example mean) or paper (as the paper and the "
                + "replication report publish them; docs/regularizers.md) (default: ${DEFAULT-VALUE})")
    String weightConvention;

    @Option(names = {"-P", "--regularizer-param"}, paramLabel = "KEY=VALUE",
            description = "a parameter of the regularizer, the job property param.REGULARIZER.KEY (repeatable; "
                + "see 'gradreg regularizers')")
    Map<String, String> params = new LinkedHashMap<>();

    /** The old name of {@code --regularizer-param}; it still works, and warns (it read as a job parameter). */
    @Option(names = "--param", hidden = true, paramLabel = "KEY=VALUE")
    Map<String, String> deprecatedParams = new LinkedHashMap<>();

    @Option(names = {"-n", "--train-size"},
            description = "training images: N in total (e.g. 5000) or N per class (e.g. 200/class) (default: ${DEFAULT-VALUE})")
    String trainSize;

    @Option(names = {"-m", "--minibatches"}, description = "minibatches to train (default: ${DEFAULT-VALUE})")
    int minibatches;

    @Option(names = {"-b", "--batch-size"}, description = "examples per minibatch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = {"--learning-rate", "--lr"}, description = "initial Adam learning rate; --lr is its old name (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--lr-decay-at", split = ",",
            description = "fractions of training at which the rate is multiplied by --lr-decay (default: ${DEFAULT-VALUE})")
    List<Double> decayAt;

    @Option(names = "--lr-decay", description = "learning-rate decay factor (default: ${DEFAULT-VALUE})")
    double decayFactor;

    @Option(names = "--beta1", description = "Adam beta1 (default: ${DEFAULT-VALUE})")
    double beta1;

    @Option(names = "--beta2", description = "Adam beta2 (default: ${DEFAULT-VALUE})")
    double beta2;

    @Option(names = "--weight-decay", description = "L2 weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--adam-epsilon", description = "Adam epsilon (default: ${DEFAULT-VALUE})")
    double epsilon;

    @Option(names = "--init", paramLabel = "glorot-uniform|truncated-normal",
            description = "initial parameters: Glorot-uniform weights and zero biases, or TensorFlow tutorials' "
                + "N(0, 0.1^2) truncated at 2 sd and biases 0.1 (default: ${DEFAULT-VALUE})")
    String init;

    @Option(names = "--conv2-padding", paramLabel = "valid|same",
            description = "padding of the second convolution: valid (LeNet-5) or same (TensorFlow tutorials) "
                + "(default: ${DEFAULT-VALUE})")
    String conv2Padding;

    @Option(names = "--bn-momentum", paramLabel = "M",
            description = "batchnorm: running statistics = M x running + (1 - M) x batch; TensorFlow's default is 0.99 "
                + "(default: ${DEFAULT-VALUE})")
    String bnMomentum;

    @Option(names = "--bn-epsilon", paramLabel = "EPS",
            description = "batchnorm: added to the variance; TensorFlow's default is 1e-3 (default: ${DEFAULT-VALUE})")
    String bnEpsilon;

    @Option(names = "--bn-placement", paramLabel = "before-relu|after-relu",
            description = "batchnorm: each batch norm before or after its layer's ReLU (default: ${DEFAULT-VALUE})")
    String bnPlacement;

    @Option(names = "--bn-layers", paramLabel = "all|conv",
            description = "batchnorm: batch norm after every hidden layer, or after the two convolutions only "
                + "(default: ${DEFAULT-VALUE})")
    String bnLayers;

    @Option(names = {"-s", "--seed"}, description = "seed of the run (default: ${DEFAULT-VALUE})")
    long seed;

    /** What the user should change, though the command runs as it is (old option names). */
    List<String> warnings() {
        return deprecatedParams.isEmpty() ? List.of()
                : List.of("warning: option '--param' is deprecated; call it '--regularizer-param' (or -P)");
    }

    TrainingConfig toConfig(Regularizers regularizers) {
        Map<String, String> regularizerParameters = new LinkedHashMap<>(deprecatedParams);
        regularizerParameters.putAll(params);
        double meanWeight = WeightConvention.parse(weightConvention)
                .toMean(regularizers.get(regularizer), weight, batchSize);
        return TrainingConfig.builder()
                .architecture(Architecture.parse(architecture))
                .regularizer(regularizer)
                .weight(meanWeight)
                .regularizerParameters(regularizerParameters)
                .subset(SubsetSpec.parse(trainSize))
                .minibatches(minibatches)
                .batchSize(batchSize)
                .learningRate(learningRate)
                .decayAt(decayAt)
                .decayFactor(decayFactor)
                .beta1(beta1)
                .beta2(beta2)
                .weightDecay(weightDecay)
                .epsilon(epsilon)
                .initialization(Initialization.parse(init))
                .conv2Same(ExperimentSpec.conv2Same(conv2Padding))
                .batchNorm(new BatchNormSettings(BatchNormSettings.parseMomentum(bnMomentum),
                        BatchNormSettings.parseEpsilon(bnEpsilon), BatchNormSettings.Placement.parse(bnPlacement),
                        BatchNormSettings.Layers.parse(bnLayers)))
                .seed(seed)
                .build();
    }

    /** Default values of the training options: those of {@link TrainingConfig.Builder}. */
    static final class Defaults implements IDefaultValueProvider {

        private static final TrainingConfig D = TrainingConfig.builder().build();

        private static final Map<String, String> VALUES = Map.ofEntries(
                Map.entry("--architecture", D.architecture().id()),
                Map.entry("--regularizer", D.regularizer()),
                Map.entry("--weight", "0"),
                Map.entry("--weight-convention", WeightConvention.MEAN.id()),
                Map.entry("--train-size", D.subset().toString()),
                Map.entry("--minibatches", Integer.toString(D.minibatches())),
                Map.entry("--batch-size", Integer.toString(D.batchSize())),
                Map.entry("--learning-rate", Double.toString(D.learningRate())),
                Map.entry("--lr-decay-at", D.decayAt().stream().map(String::valueOf).collect(Collectors.joining(","))),
                Map.entry("--lr-decay", Double.toString(D.decayFactor())),
                Map.entry("--beta1", Double.toString(D.beta1())),
                Map.entry("--beta2", Double.toString(D.beta2())),
                Map.entry("--weight-decay", Double.toString(D.weightDecay())),
                Map.entry("--adam-epsilon", Double.toString(D.epsilon())),
                Map.entry("--init", D.initialization().id()),
                Map.entry("--conv2-padding", D.conv2Same() ? "same" : "valid"),
                Map.entry("--bn-momentum", Double.toString(D.batchNorm().momentum())),
                Map.entry("--bn-epsilon", Double.toString(D.batchNorm().epsilon())),
                Map.entry("--bn-placement", D.batchNorm().placement().id()),
                Map.entry("--bn-layers", D.batchNorm().layers().id()),
                Map.entry("--seed", Long.toString(D.seed())));

        @Override
        public String defaultValue(ArgSpec argSpec) {
            return argSpec instanceof OptionSpec option ? VALUES.get(option.longestName()) : null;
        }
    }
}
