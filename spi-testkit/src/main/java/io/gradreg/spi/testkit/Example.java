package io.gradreg.spi.testkit;

import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * One example of the kit's minibatch, for writing a penalty's per-example definition p(x_i)
 * independently of DJL: its pixels, label and logits, and derivatives of the network by central
 * finite differences (no automatic differentiation).
 */
public final class Example {

    private final double[] input;
    private final int label;
    private final double[] logits;
    private final Function<double[], double[][]> jacobianOf;
    private final RandomGenerator random;
    private double[][] jacobian;

    Example(double[] input, int label, double[] logits, Function<double[], double[][]> jacobianOf,
            RandomGenerator random) {
        this.input = input;
        this.label = label;
        this.logits = logits;
        this.jacobianOf = jacobianOf;
        this.random = random;
    }

    /** The 784 pixels x_i (row-major 28 x 28). */
    public double[] input() {
        return input.clone();
    }

    /** The class index y_i. */
    public int label() {
        return label;
    }

    /** z(x_i), the 10 logits. */
    public double[] logits() {
        return logits.clone();
    }

    /** softmax(z(x_i)). */
    public double[] probabilities() {
        double max = Double.NEGATIVE_INFINITY;
        for (double z : logits) {
            max = Math.max(max, z);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp(logits[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** loss_i = -log softmax(z(x_i))[y_i], this example's cross-entropy. */
    public double loss() {
        return -Math.log(probabilities()[label]);
    }

    /** J_i = d z(x_i) / d x_i, [class][pixel], by central differences of the network. */
    public double[][] logitJacobian() {
        if (jacobian == null) {
            jacobian = jacobianOf.apply(input);
        }
        double[][] copy = new double[jacobian.length][];
        for (int k = 0; k < copy.length; k++) {
            copy[k] = jacobian[k].clone();
        }
        return copy;
    }

    /** d loss_i / d x_i = sum_k (p_k - [k = y_i]) d z_k / d x_i, from {@link #logitJacobian()}. */
    public double[] lossGradient() {
        double[] p = probabilities();
        double[][] j = logitJacobian();
        double[] g = new double[input.length];
        for (int k = 0; k < p.length; k++) {
            double c = p[k] - (k == label ? 1 : 0);
            for (int q = 0; q < g.length; q++) {
                g[q] += c * j[k][q];
            }
        }
        return g;
    }

    /**
     * The stream the penalty's {@code context.random()} drew from, shared by the minibatch's
     * examples in order: a definition that draws what the penalty drew for example i, in the same
     * order, sees the same numbers.
     */
    public RandomGenerator random() {
        return random;
    }
}
