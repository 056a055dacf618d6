package io.gradreg.cli;

import io.gradreg.data.SubsetSpec;
import io.gradreg.batch.ExperimentSpec;
import io.gradreg.model.Architecture;
import io.gradreg.model.Initialization;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.regularizer.WeightConvention;
import io.gradreg.training.TrainingConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options that make a {@link TrainingConfig}; defaults are the paper's protocol. */
class TrainingOptions {

    @Option(names = {"-a", "--architecture"}, defaultValue = "baseline",
            description = "baseline, dropout or batchnorm (default: ${DEFAULT-VALUE})")
    String architecture;

    @Option(names = {"-r", "--regularizer"}, defaultValue = "none",
            description = "regularizer name, see 'gradreg regularizers' (default: ${DEFAULT-VALUE})")
    String regularizer;

    @Option(names = {"-w", "--weight"}, defaultValue = "0",
            description = "weight of the penalty in the loss (default: ${DEFAULT-VALUE})")
    double weight;

    @Option(names = "--weight-convention", defaultValue = "mean", paramLabel = "mean|paper",
            description = "units of --weight: mean (gradreg's per-example mean) or paper (as the paper and the "
                + "replication report publish them; docs/regularizers.md) (default: ${DEFAULT-VALUE})")
    String weightConvention;

    @Option(names = {"-P", "--param"}, description = "regularizer parameter name=value (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = {"-n", "--train-size"}, defaultValue = "200/class",
            description = "training images: N in total (e.g. 5000) or N per class (e.g. 200/class) (default: ${DEFAULT-VALUE})")
    String trainSize;

    @Option(names = {"-m", "--minibatches"}, defaultValue = "10000", description = "minibatches to train (default: ${DEFAULT-VALUE})")
    int minibatches;

    @Option(names = {"-b", "--batch-size"}, defaultValue = "50", description = "examples per minibatch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", description = "initial Adam learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--lr-decay-at", split = ",", defaultValue = "0.5,0.75",
            description = "fractions of training at which the rate is multiplied by --lr-decay (default: ${DEFAULT-VALUE})")
    List<Double> decayAt;

    @Option(names = "--lr-decay", defaultValue = "0.1", description = "learning-rate decay factor (default: ${DEFAULT-VALUE})")
    double decayFactor;

    @Option(names = "--beta1", defaultValue = "0.9", description = "Adam beta1 (default: ${DEFAULT-VALUE})")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.999", description = "Adam beta2 (default: ${DEFAULT-VALUE})")
    double beta2;

    @Option(names = "--weight-decay", defaultValue = "0.0005", description = "L2 weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--adam-epsilon", defaultValue = "1e-8", description = "Adam epsilon (default: ${DEFAULT-VALUE})")
    double epsilon;

    @Option(names = "--init", defaultValue = "glorot-uniform", paramLabel = "glorot-uniform|truncated-normal",
            description = "initial parameters: Glorot-uniform weights and zero biases, or TensorFlow tutorials' "
                + "N(0, 0.1^2) truncated at 2 sd and biases 0.1 (default: ${DEFAULT-VALUE})")
    String init;

    @Option(names = "--conv2-padding", defaultValue = "valid", paramLabel = "valid|same",
            description = "padding of the second convolution: valid (LeNet-5) or same (TensorFlow tutorials) "
                + "(default: ${DEFAULT-VALUE})")
    String conv2Padding;

    @Option(names = {"-s", "--seed"}, defaultValue = "1", description = "seed of the run (default: ${DEFAULT-VALUE})")
    long seed;

    TrainingConfig toConfig(Regularizers regularizers) {
        double meanWeight = WeightConvention.parse(weightConvention)
                .toMean(regularizers.get(regularizer), weight, batchSize);
        return TrainingConfig.builder()
                .architecture(Architecture.parse(architecture))
                .regularizer(regularizer)
                .weight(meanWeight)
                .regularizerParameters(params)
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
                .seed(seed)
                .build();
    }
}
