package io.gradreg.spi.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.gradreg.autograd.InputGradients;
import io.gradreg.spi.ParameterSpec;
import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.opentest4j.AssertionFailedError;

/**
 * Checks a regularizer the way gradreg trains it: the penalty is computed through gradreg's own
 * {@code PenaltyContext} (input gradients with the graph kept, double backpropagation), on a tiny
 * seeded LeNet-style network in float64 and a seeded minibatch of 4 synthetic images, and added
 * to the mean cross-entropy as {@code loss + weight * penalty}. Each {@code assert...} method is
 * one JUnit assertion; {@link #assertAll} runs them all. {@link #onBatchNormNetwork()} runs them on the
 * same network with batch normalization.
 *
 * <pre>
 *   PenaltyCheck check = PenaltyCheck.of(new GradL1(), Map.of("smoothing", "0.01"));
 *   check.assertAll(example -&gt; l1Norm(example.lossGradient()));   // p(x_i), written independently
 * </pre>
 */
public final class PenaltyCheck {

    /** Examples in the kit's minibatch. */
    public static final int BATCH_SIZE = 4;

    private static final long RANDOM_SEED = 13;
    private static final double PARAMETER_STEP = 1e-5;
    private static final int ENTRIES_PER_PARAMETER = 4;

    private final String name;
    private final Regularizer regularizer;
    private final boolean batchNorm;
    private final KitObjective objective;
    private double weight = 1;

    private PenaltyCheck(String name, Regularizer regularizer) {
        this(name, regularizer, false);
    }

    private PenaltyCheck(String name, Regularizer regularizer, boolean batchNorm) {
        this.name = name;
        this.regularizer = regularizer;
        this.batchNorm = batchNorm;
        this.objective = new KitObjective(name, regularizer, RANDOM_SEED);
        KitEngine.start();
    }

    /** The regularizer {@code provider} creates with {@code parameters} (the others at their defaults). */
    public static PenaltyCheck of(RegularizerProvider provider, Map<String, String> parameters) {
        return new PenaltyCheck("regularizer '" + provider.name() + "'",
                provider.create(RegularizerParameters.of(provider, parameters)));
    }

    /** {@code provider}'s regularizer with every parameter at its default. */
    public static PenaltyCheck of(RegularizerProvider provider) {
        return of(provider, Map.of());
    }

    /** A regularizer as it is, named {@code name} in failure messages. */
    public static PenaltyCheck of(String name, Regularizer regularizer) {
        return new PenaltyCheck("regularizer '" + name + "'", regularizer);
    }

    /**
     * The weight of the gradient check's {@code loss + weight * penalty} (default 1). Choose it so
     * that the penalty's part of the gradient is not negligible beside the cross-entropy's.
     */
    public PenaltyCheck weight(double weight) {
        this.weight = weight;
        return this;
    }

    /**
     * The same regularizer (and weight) on the kit's tiny network with batch normalization after
     * each convolution, in training mode: each minibatch is normalized by its own statistics, as
     * gradreg trains its {@code batchnorm} architecture, so the gradient check goes through batch
     * normalization's second derivatives. The examples of a minibatch are coupled there (each one's
     * logits depend on every image), so a per-example definition has no meaning on it: check the
     * definition on the plain network and the rest here with {@link #assertAll()}.
     *
     * <pre>
     *   check.assertAll(example -&gt; ...);          // the plain network, definition included
     *   check.onBatchNormNetwork().assertAll();  // finite, mean, garbage collection, gradients
     * </pre>
     */
    public PenaltyCheck onBatchNormNetwork() {
        return new PenaltyCheck(name + " on the kit's batch-norm network", regularizer, true).weight(weight);
    }

    /**
     * All checks. The penalty must first be a finite scalar; then every other check runs and the
     * failures are reported in one {@code AssertionFailedError}, the most specific first (the others
     * follow as "Also:" lines and as suppressed exceptions), so the message that names the fix leads: {@link #assertPerExampleMean} (a missing or doubled 1/B),
     * {@link #assertStableUnderGarbageCollection} (a number freed before the backward pass),
     * {@link #assertMatchesPerExampleDefinition} (any other wrong value) and
     * {@link #assertParameterGradients} (a value right but cut from the graph).
     */
    public void assertAll(ToDoubleFunction<Example> perExampleDefinition) {
        all(List.of(this::assertPerExampleMean, this::assertStableUnderGarbageCollection,
                () -> assertMatchesPerExampleDefinition(perExampleDefinition), this::assertParameterGradients));
    }

    /**
     * Every check that needs no definition, as {@link #assertAll(ToDoubleFunction)} reports them:
     * a finite scalar, the per-example mean, stability under garbage collection and the parameter
     * gradients. On the {@link #onBatchNormNetwork() batch-norm network} these are the checks there are.
     */
    public void assertAll() {
        all(List.of(this::assertPerExampleMean, this::assertStableUnderGarbageCollection,
                this::assertParameterGradients));
    }

    private void all(List<Runnable> checks) {
        assertFiniteScalar();
        List<AssertionFailedError> failures = new ArrayList<>();
        for (Runnable check : checks) {
            try {
                check.run();
            } catch (AssertionFailedError e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            StringBuilder message = new StringBuilder(failures.get(0).getMessage());
            failures.subList(1, failures.size()).forEach(e -> message.append("\nAlso: ").append(e.getMessage()));
            AssertionFailedError error = new AssertionFailedError(message.toString());
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }

    /**
     * {@link #assertAll} for every value the author lists of every parameter of {@code provider},
     * each with the other parameters at their defaults. Every parameter needs at least one value
     * besides its default: a bug behind {@code if (temperature != 1)} passes at the default.
     *
     * @param values for each parameter name, the values to check (the default may be among them)
     * @param definition the per-example penalty for the given parameter values (all of them, with
     *     defaults filled in)
     */
    public static void assertEveryValue(RegularizerProvider provider, Map<String, List<String>> values,
            Function<Map<String, String>, ToDoubleFunction<Example>> definition, double weight) {
        for (ParameterSpec spec : provider.parameters()) {
            List<String> listed = values.getOrDefault(spec.name(), List.of());
            if (listed.stream().allMatch(v -> v.equals(spec.defaultValue()))) {
                fail("regularizer '" + provider.name() + "': list at least one value of parameter '" + spec.name()
                        + "' besides its default " + spec.defaultValue() + " (a bug behind a test of that value would "
                        + "pass at the default alone)");
            }
        }
        for (String unknown : values.keySet()) {
            if (provider.parameters().stream().noneMatch(p -> p.name().equals(unknown))) {
                fail("regularizer '" + provider.name() + "' has no parameter '" + unknown + "'");
            }
        }
        for (Map.Entry<String, List<String>> parameter : values.entrySet()) {
            for (String value : parameter.getValue()) {
                RegularizerParameters parameters = RegularizerParameters.of(provider, Map.of(parameter.getKey(), value));
                PenaltyCheck check = new PenaltyCheck("regularizer '" + provider.name() + "' with " + parameter.getKey()
                        + "=" + value, provider.create(parameters)).weight(weight);
                check.assertAll(definition.apply(parameters.asMap()));
            }
        }
    }

    /** The penalty of the kit's minibatch is a scalar and finite; returns it. */
    public double assertFiniteScalar() {
        double penalty = penalty(KitMinibatch.images(BATCH_SIZE), KitMinibatch.labels(BATCH_SIZE), KitRandom.seeded(RANDOM_SEED));
        if (!Double.isFinite(penalty)) {
            fail(name + " returned " + penalty + " for the kit's minibatch of " + BATCH_SIZE + " examples");
        }
        return penalty;
    }

    /**
     * The penalty equals {@code reference}, computed by the author from the minibatch's examples
     * (e.g. a formula of the logits); relative tolerance 1e-6.
     */
    public void assertPenaltyEquals(ToDoubleFunction<List<Example>> reference) {
        if (batchNorm) {
            throw new IllegalStateException(name + ": the examples of a minibatch are coupled by batch normalization, "
                    + "so the penalty has no per-example definition there; check the definition on the plain network "
                    + "(PenaltyCheck.of(...)) and use assertAll() here");
        }
        double[] images = KitMinibatch.images(BATCH_SIZE);
        int[] labels = KitMinibatch.labels(BATCH_SIZE);
        double actual = penalty(images, labels, KitRandom.seeded(RANDOM_SEED));
        double expected = reference.applyAsDouble(KitMinibatch.examples(images, labels, KitRandom.seeded(RANDOM_SEED)));
        if (!(Math.abs(actual - expected) <= 1e-10 + 1e-6 * Math.abs(expected))) {
            fail(String.format(Locale.ROOT, "%s: the penalty is %.12g, the reference %.12g (relative difference "
                    + "%.3g): the penalty does not compute its definition", name, actual, expected,
                    Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300)));
        }
    }

    /**
     * The penalty equals (1/B) sum_i p(x_i), gradreg's convention, where {@code definition} is p for
     * one example, written without DJL (use {@link Example#lossGradient()} and
     * {@link Example#logitJacobian()}, central finite differences, for input-gradient penalties).
     */
    public void assertMatchesPerExampleDefinition(ToDoubleFunction<Example> definition) {
        assertPenaltyEquals(examples -> examples.stream().mapToDouble(definition).sum() / examples.size());
    }

    /**
     * Training's gradient: the gradient of {@code loss + weight * penalty} with respect to every
     * parameter tensor of the network, from one backward pass through the penalty's input gradients
     * (as gradreg's training step computes it), matches central differences of that total at
     * {@value #ENTRIES_PER_PARAMETER} entries of each tensor.
     */
    public void assertParameterGradients() {
        double[] images = KitMinibatch.images(BATCH_SIZE);
        int[] labels = KitMinibatch.labels(BATCH_SIZE);
        try (NDManager manager = NDManager.newBaseManager(); InputGradients gradients = new InputGradients(manager)) {
            TinyLeNet net = new TinyLeNet(manager, KitMinibatch.NETWORK_SEED, batchNorm);
            List<double[]> analytic = objective.gradients(net, gradients, manager, images, labels, weight, false);
            List<double[]> lossOnly = objective.gradients(net, gradients, manager, images, labels, 0, false);
            SplittableRandom pick = new SplittableRandom(RANDOM_SEED);
            int kinks = 0;
            for (int t = 0; t < analytic.size(); t++) {
                NDArray w = net.parameters().get(t);
                double penaltyScale = 0;
                for (int i = 0; i < analytic.get(t).length; i++) {
                    penaltyScale = Math.max(penaltyScale, Math.abs(analytic.get(t)[i] - lossOnly.get(t)[i]));
                }
                for (int checked = 0; checked < ENTRIES_PER_PARAMETER; ) {
                    int index = pick.nextInt(Math.toIntExact(w.size()));
                    double numeric = objective.centralDifference(net, gradients, manager, w, index, PARAMETER_STEP,
                            images, labels, weight);
                    double coarser = objective.centralDifference(net, gradients, manager, w, index, 4 * PARAMETER_STEP,
                            images, labels, weight);
                    if (Math.abs(numeric - coarser) > 1e-6 * Math.max(Math.abs(numeric), penaltyScale) + 1e-9) {
                        // A kink of the penalty (e.g. |u| at 0) lies within the step: neither difference is a
                        // derivative. A few are expected for non-smooth penalties; check another entry.
                        if (++kinks > 2 * analytic.size()) {
                            fail(name + ": central differences with two step sizes disagree at " + kinks
                                    + " parameter entries; the penalty is not differentiable at the kit's test point");
                        }
                        continue;
                    }
                    double exact = analytic.get(t)[index];
                    if (!(Math.abs(exact - numeric) <= 1e-6 * Math.abs(numeric) + 1e-5 * penaltyScale + 1e-10)) {
                        fail(String.format(Locale.ROOT, "%s: d(loss + %s * penalty)/d parameter %d %s[%d] is %.10g by "
                                + "backpropagation but %.10g by central differences: the gradient training uses is "
                                + "wrong (is every operation of the penalty built from the context's arrays, with "
                                + "the input gradients from context.inputGradient?)", name, weight, t, w.getShape(),
                                index, exact, numeric));
                    }
                    checked++;
                }
            }
        }
    }

    /**
     * The penalty is a mean over the minibatch's examples: the minibatch repeated twice (2B
     * examples, the penalty's random draws repeated with it) has the same penalty.
     */
    public void assertPerExampleMean() {
        double[] images = KitMinibatch.images(BATCH_SIZE);
        int[] labels = KitMinibatch.labels(BATCH_SIZE);
        KitRandom once = KitRandom.seeded(RANDOM_SEED);
        double single = penalty(images, labels, once);
        double[] twiceImages = new double[2 * images.length];
        System.arraycopy(images, 0, twiceImages, 0, images.length);
        System.arraycopy(images, 0, twiceImages, images.length, images.length);
        int[] twiceLabels = new int[2 * labels.length];
        System.arraycopy(labels, 0, twiceLabels, 0, labels.length);
        System.arraycopy(labels, 0, twiceLabels, labels.length, labels.length);
        double doubled = penalty(twiceImages, twiceLabels, KitRandom.replayingTwice(once.drawn(), RANDOM_SEED));
        if (!(Math.abs(single - doubled) <= 1e-9 * Math.abs(single) + 1e-12)) {
            fail(String.format(Locale.ROOT, "%s: the penalty is %.12g for the kit's minibatch and %.12g for the same "
                    + "minibatch repeated twice (ratio %.6g); a penalty must be the mean of per-example values, "
                    + "(1/B) sum_i p(x_i): divide the sum over examples by context.batchSize() exactly once, as in "
                    + "Scalars.div(perExample.sum(), context.batchSize())", name, single, doubled, doubled / single));
        }
    }

    /**
     * The gradient does not change when garbage is collected between the forward and the backward
     * pass and the freed native memory is reused: a number the backward pass needs must not have
     * been freed (DJL's {@code array.mul(2)} and {@code array.div(n)} free theirs; {@code Scalars}
     * keeps them until the step ends).
     */
    public void assertStableUnderGarbageCollection() {
        double[] images = KitMinibatch.images(BATCH_SIZE);
        int[] labels = KitMinibatch.labels(BATCH_SIZE);
        try (NDManager manager = NDManager.newBaseManager(); InputGradients gradients = new InputGradients(manager)) {
            TinyLeNet net = new TinyLeNet(manager, KitMinibatch.NETWORK_SEED, batchNorm);
            List<double[]> calm = objective.gradients(net, gradients, manager, images, labels, weight, false);
            for (int round = 0; round < 3; round++) {
                List<double[]> collected = objective.gradients(net, gradients, manager, images, labels, weight, true);
                for (int t = 0; t < calm.size(); t++) {
                    if (!Arrays.equals(calm.get(t), collected.get(t))) {
                        int i = Arrays.mismatch(calm.get(t), collected.get(t));
                        fail(String.format(Locale.ROOT, "%s: the gradient changed when garbage was collected between "
                                + "the forward and the backward pass (parameter %d [%d]: %s, then %s): the backward "
                                + "pass read freed memory. Multiply and divide by Java numbers with Scalars.mul and "
                                + "Scalars.div, not array.mul(n) or array.div(n) (likewise pow and other operations "
                                + "that keep a number for the backward pass)", name, t, i, calm.get(t)[i],
                                collected.get(t)[i]));
                    }
                }
            }
        }
    }

    // ---- the objective, as gradreg's training step computes it ----

    private double penalty(double[] images, int[] labels, KitRandom random) {
        try (NDManager manager = NDManager.newBaseManager(); InputGradients gradients = new InputGradients(manager)) {
            TinyLeNet net = new TinyLeNet(manager, KitMinibatch.NETWORK_SEED, batchNorm);
            try (NDManager step = manager.newSubManager()) {
                NDArray[] parts = objective.objective(net, gradients, step, images, labels, 0, random);
                return parts[1].toType(DataType.FLOAT64, false).getDouble();
            }
        }
    }
}
