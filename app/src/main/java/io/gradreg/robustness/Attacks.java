package io.gradreg.robustness;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.gradreg.autograd.StagingBuffer;
import java.util.SplittableRandom;

/**
 * L-infinity attacks on a batch of images on the [0, 1] pixel scale. Every perturbed image stays
 * within {@code epsilon} of its original in every pixel and is clipped to [0, 1]; with epsilon 0
 * the image is returned unchanged (x + 0 = x, and x is already in [0, 1]).
 */
final class Attacks {

    /** PGD's steps; each moves epsilon / {@link #PGD_STEP_DIVISOR} along the gradient's sign. */
    static final int PGD_STEPS = 10;
    static final int PGD_STEP_DIVISOR = 4;

    private final Classifier classifier;
    private final StagingBuffer staging = new StagingBuffer();

    Attacks(Classifier classifier) {
        this.classifier = classifier;
    }

    /** FGSM: clip(x + epsilon * sign(d loss / d x), 0, 1). */
    NDArray fgsm(NDArray x, NDArray oneHot, double epsilon) {
        return signStep(x, x, oneHot, epsilon, null, null);
    }

    /**
     * clip(x + step * sign(d loss / d x at {@code at}), within [lower, upper] if given, and [0, 1]);
     * the intermediate arrays are closed at once (a PGD loop would otherwise hold every step's).
     */
    private NDArray signStep(NDArray x, NDArray at, NDArray oneHot, double step, NDArray lower, NDArray upper) {
        NDArray gradient = classifier.lossGradient(at, oneHot);
        NDArray sign = gradient.sign();
        gradient.close();
        NDArray scaled = sign.mul(step);
        sign.close();
        NDArray moved = x.add(scaled);
        scaled.close();
        if (lower != null) {
            NDArray above = moved.maximum(lower);
            moved.close();
            moved = above.minimum(upper);
            above.close();
        }
        NDArray clipped = moved.clip(0, 1);
        moved.close();
        return clipped;
    }

    /**
     * PGD: from a uniform random point of the epsilon-ball around x (drawn from {@code random}),
     * {@link #PGD_STEPS} steps of epsilon/4 along the sign of the loss gradient, each projected back
     * onto the ball and clipped to [0, 1].
     */
    NDArray pgd(NDArray x, NDArray oneHot, double epsilon, SplittableRandom random) {
        NDManager manager = x.getManager();
        float[] start = new float[Math.toIntExact(x.size())];
        for (int i = 0; i < start.length; i++) {
            start[i] = (float) ((2 * random.nextDouble() - 1) * epsilon);
        }
        NDArray lower = x.sub(epsilon);
        NDArray upper = x.add(epsilon);
        NDArray current = x.add(typed(staging.floats(manager, start, x.getShape()), x)).clip(0, 1);
        double alpha = epsilon / PGD_STEP_DIVISOR;
        for (int s = 0; s < PGD_STEPS; s++) {
            NDArray next = signStep(current, current, oneHot, alpha, lower, upper);
            current.close();
            current = next;
        }
        lower.close();
        upper.close();
        return current;
    }

    /** clip(x + sigma * N(0, 1), 0, 1), the noise drawn from {@code random}. */
    NDArray gaussian(NDArray x, double sigma, SplittableRandom random) {
        float[] noise = new float[Math.toIntExact(x.size())];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (sigma * gaussian(random));
        }
        return x.add(typed(staging.floats(x.getManager(), noise, x.getShape()), x)).clip(0, 1);
    }

    /** A standard normal deviate (Marsaglia's polar method; SplittableRandom has none before Java 17's default). */
    static double gaussian(SplittableRandom random) {
        double u;
        double v;
        double s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }

    private static NDArray typed(NDArray staged, NDArray like) {
        return staged.getDataType() == like.getDataType() ? staged : staged.toType(like.getDataType(), false);
    }
}
