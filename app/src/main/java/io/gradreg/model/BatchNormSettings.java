package io.gradreg.model;

import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How {@link Architecture#BATCHNORM} normalizes: the details the paper leaves open. During training
 * a block normalizes with the minibatch's mean and variance and updates its running statistics as
 *
 * <pre>
 * running_mean ← momentum · running_mean + (1 − momentum) · batch_mean
 * running_var  ← momentum · running_var  + (1 − momentum) · batch_var   (batch_var unbiased, n − 1)
 * </pre>
 *
 * (TensorFlow's and DJL's convention; DJL's PyTorch engine hands {@code 1 − momentum} to
 * {@code torch.batch_norm}, whose momentum weighs the new batch); evaluation normalizes with the
 * running statistics. Output: γ · (x − mean) / √(var + epsilon) + β per channel.
 *
 * @param momentum weight of the old running statistics, in [0, 1)
 * @param epsilon added to the variance, positive
 * @param placement whether a block sits before or after its layer's ReLU
 * @param layers which hidden layers get a block
 */
public record BatchNormSettings(double momentum, double epsilon, Placement placement, Layers layers) {

    /** gradreg's network until these became settings: DJL's defaults, before every hidden ReLU. */
    public static final BatchNormSettings DEFAULT = new BatchNormSettings(0.9, 1e-5, Placement.BEFORE_RELU, Layers.ALL);

    public BatchNormSettings {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("batch-norm momentum must be in [0, 1), was " + momentum);
        }
        if (!(epsilon > 0 && Double.isFinite(epsilon))) {
            throw new IllegalArgumentException("batch-norm epsilon must be a positive number, was " + epsilon);
        }
        if (placement == null || layers == null) {
            throw new IllegalArgumentException("batch-norm placement and layers must be given");
        }
    }

    /** Where a block sits relative to its layer's ReLU. */
    public enum Placement {
        /** layer → batch norm → ReLU (Ioffe and Szegedy; gradreg's default). */
        BEFORE_RELU,
        /** layer → ReLU → batch norm. */
        AFTER_RELU;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Placement parse(String text) {
            return BatchNormSettings.parse(values(), text, "placement", Placement::id);
        }
    }

    /** Which hidden layers get a block. */
    public enum Layers {
        /** Both convolutions and both hidden dense layers (gradreg's default). */
        ALL,
        /** The two convolutions only. */
        CONV;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean include(boolean convolution) {
            return this == ALL || convolution;
        }

        public static Layers parse(String text) {
            return BatchNormSettings.parse(values(), text, "layers", Layers::id);
        }
    }

    /** A momentum written as text, checked. */
    public static double parseMomentum(String text) {
        return DEFAULT.withMomentum(number("momentum", text)).momentum();
    }

    /** An epsilon written as text, checked. */
    public static double parseEpsilon(String text) {
        return DEFAULT.withEpsilon(number("epsilon", text)).epsilon();
    }

    public BatchNormSettings withMomentum(double value) {
        return new BatchNormSettings(value, epsilon, placement, layers);
    }

    public BatchNormSettings withEpsilon(double value) {
        return new BatchNormSettings(momentum, value, placement, layers);
    }

    public BatchNormSettings withPlacement(Placement value) {
        return new BatchNormSettings(momentum, epsilon, value, layers);
    }

    public BatchNormSettings withLayers(Layers value) {
        return new BatchNormSettings(momentum, epsilon, placement, value);
    }

    /**
     * These settings as the job properties that select them, e.g. {@code bn-momentum=0.99
     * bn-epsilon=0.001 bn-placement=before-relu bn-layers=all}.
     */
    public String properties() {
        return "bn-momentum=" + plain(momentum) + " bn-epsilon=" + plain(epsilon) + " bn-placement=" + placement.id()
                + " bn-layers=" + layers.id();
    }

    private static String plain(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** Whether the layer (a convolution, or a hidden dense layer) gets a block. */
    boolean normalizes(boolean convolution) {
        return layers.include(convolution);
    }

    /** A fresh block with these settings (DJL keeps them as floats). */
    Block block() {
        return BatchNorm.builder().optMomentum((float) momentum).optEpsilon((float) epsilon).build();
    }

    private static double number(String what, String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("batch-norm " + what + " must be a number, was '" + text + "'");
        }
    }

    private static <E extends Enum<E>> E parse(E[] values, String text, String what, Function<E, String> id) {
        for (E e : values) {
            if (id.apply(e).equalsIgnoreCase(text.strip())) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown batch-norm " + what + " '" + text + "'; expected one of "
                + Arrays.stream(values).map(id).collect(Collectors.joining(", ")));
    }
}
