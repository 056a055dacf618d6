package io.gradreg.robustness;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.gradreg.autograd.StagingBuffer;
import io.gradreg.data.Mnist;
import io.gradreg.model.LeNet5;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Measures a trained network's robustness as a {@link RobustnessSpec} asks, on the first
 * {@code images} test images, in chunks of {@link #CHUNK} (the chunks of the clean evaluation, so
 * the clean predictions are the same), each chunk's arrays in a manager of its own closed at its
 * end: memory does not grow with the number of images.
 *
 * <p>Definitions (see {@link Measure}): an image counts as robust under an attack only if it is
 * classified correctly both clean and attacked; the PGD figure at radius E is the per-image worst
 * case of FGSM and PGD at E. Hence fgsm@E, noise@S &lt;= clean accuracy and pgd@E &lt;= fgsm@E,
 * by construction. Random draws (PGD's start, the noise, the noise images) are a function of the
 * run's seed, the chunk and the measure: the same network and seed give the same numbers, in any
 * process, however often evaluation is repeated (a restarted evaluate step included).
 */
public final class RobustnessEvaluator {

    /** Test images per chunk: {@code Evaluator}'s, so the clean predictions are the same. */
    public static final int CHUNK = 1000;
    /**
     * Images per attack batch within a chunk: with one intra-op thread, PGD on batches of 100 took
     * 18 s for the 10,000 test images where batches of 1,000 took 45 s (RobustnessCostBenchmark).
     */
    static final int ATTACK_BATCH = 100;
    /**
     * Points per chunk at which gradient norms are measured: the chunk's first test images, as many
     * noise images and as many midpoints (1,000 of each over the 10,000 test images). The Jacobian
     * costs 10 backward passes per point, so all 10,000 would cost more than PGD.
     */
    static final int NORM_POINTS_PER_CHUNK = 100;

    private static final int PGD_START = 1;
    private static final int NOISE = 2;
    private static final int NOISE_IMAGES = 3;

    private RobustnessEvaluator() {
    }

    /** Evaluates {@code model} (initialized, in {@code dataType}) on the first {@code images} of {@code test}. */
    public static RobustnessResult evaluate(Block model, ParameterStore parameters, NDManager manager, DataType dataType,
            Mnist.Split test, int images, RobustnessSpec spec, long seed) {
        long started = System.nanoTime();
        if (images < 1 || images > test.size()) {
            throw new IllegalArgumentException("images to evaluate must be in 1.." + test.size() + ", was " + images);
        }
        Map<String, Double> sums = new LinkedHashMap<>();
        spec.measures().forEach(m -> sums.put(m, 0.0));
        long clean = 0;
        StagingBuffer pixels = new StagingBuffer();
        StagingBuffer labelStaging = new StagingBuffer();
        StagingBuffer offDataStaging = new StagingBuffer(); // its tensors must not share the chunk's buffer
        float[] chunkImages = new float[CHUNK * Mnist.PIXELS];
        float[] offData = new float[NORM_POINTS_PER_CHUNK * Mnist.PIXELS];
        int[] labels = new int[CHUNK];
        int normPoints = 0;
        try (Classifier classifier = new Classifier(model, parameters, dataType, manager)) {
            Attacks attacks = new Attacks(classifier);
            GradientNorms norms = new GradientNorms(classifier);
            for (int start = 0; start < images; start += CHUNK) {
                int n = Math.min(CHUNK, images - start);
                for (int i = 0; i < n; i++) {
                    test.copyImage(start + i, chunkImages, i * Mnist.PIXELS);
                    labels[i] = test.label(start + i);
                }
                try (NDManager chunk = manager.newSubManager()) {
                    NDArray x = typed(pixels.floats(chunk, chunkImages, LeNet5.inputShape(n)), dataType);
                    NDArray oneHot = labelStaging.ints(chunk, labels, new Shape(n)).oneHot(Mnist.CLASSES)
                            .toType(dataType, false);
                    boolean[] correct = correct(classifier.predictions(x), labels, null);
                    for (boolean c : correct) {
                        clean += c ? 1 : 0;
                    }
                    for (int a = 0; a < n; a += ATTACK_BATCH) {
                        int b = Math.min(n, a + ATTACK_BATCH);
                        try (NDManager batch = chunk.newSubManager()) {
                            NDArray xs = x.get(a + ":" + b);
                            xs.attach(batch);
                            NDArray oneHots = oneHot.get(a + ":" + b);
                            oneHots.attach(batch);
                            attack(sums, spec, classifier, attacks, xs, oneHots, Arrays.copyOfRange(labels, a, b),
                                    Arrays.copyOfRange(correct, a, b), seed, start + a);
                        }
                    }
                    if (spec.gradnorm()) {
                        int m = Math.min(NORM_POINTS_PER_CHUNK, n);
                        NDArray first = x.get("0:" + m);
                        addAll(sums, Measure.GRADNORM, norms.lossGradientNorms(first, oneHot.get("0:" + m)));
                        addAll(sums, Measure.JACOBIAN, norms.jacobianNorms(first));
                        OffDataPoints.noise(offData, m, random(seed, NOISE_IMAGES, start, 0));
                        offDataNorms(sums, "@noise", classifier, norms, offDataStaging, chunk, offData, m, dataType);
                        OffDataPoints.midpoints(chunkImages, labels, m, offData);
                        offDataNorms(sums, "@midpoint", classifier, norms, offDataStaging, chunk, offData, m, dataType);
                        normPoints += m;
                    }
                }
            }
        }
        Map<String, Double> measures = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : sums.entrySet()) {
            boolean norm = Measure.NORMS.contains(e.getKey());
            measures.put(e.getKey(), e.getValue() / (norm ? normPoints : images));
        }
        if (!spec.isEmpty()) {
            measures.put(Measure.SECONDS, (System.nanoTime() - started) / 1e9);
        }
        return new RobustnessResult((double) clean / images, measures, images);
    }

    /**
     * The attacks and the noise on one batch of test images ({@code correct}: classified correctly
     * clean), their counts added to {@code sums}; random draws are a function of the seed, the batch's
     * first image and the measure.
     */
    private static void attack(Map<String, Double> sums, RobustnessSpec spec, Classifier classifier, Attacks attacks,
            NDArray x, NDArray oneHot, int[] labels, boolean[] correct, long seed, int first) {
        Map<Double, boolean[]> fgsmCorrect = new LinkedHashMap<>();
        TreeSet<Double> radii = new TreeSet<>(spec.fgsm());
        radii.addAll(spec.pgd()); // PGD's figure includes FGSM's at the same radius
        for (double e : radii) {
            NDArray attacked = attacks.fgsm(x, oneHot, e);
            fgsmCorrect.put(e, correct(classifier.predictions(attacked), labels, correct));
            attacked.close();
        }
        spec.fgsm().forEach(e -> add(sums, Measure.FGSM, e, fgsmCorrect.get(e)));
        List<Double> pgd = spec.pgd();
        for (int k = 0; k < pgd.size(); k++) {
            double e = pgd.get(k);
            NDArray attacked = attacks.pgd(x, oneHot, e, random(seed, PGD_START, first, k));
            add(sums, Measure.PGD, e, correct(classifier.predictions(attacked), labels, fgsmCorrect.get(e)));
            attacked.close();
        }
        List<Double> noise = spec.noise();
        for (int k = 0; k < noise.size(); k++) {
            double s = noise.get(k);
            NDArray noisy = attacks.gaussian(x, s, random(seed, NOISE, first, k));
            add(sums, Measure.NOISE, s, correct(classifier.predictions(noisy), labels, correct));
            noisy.close();
        }
    }

    /** Gradient norms at {@code m} off-data points in {@code points}, the loss at the predicted class. */
    private static void offDataNorms(Map<String, Double> sums, String suffix, Classifier classifier, GradientNorms norms,
            StagingBuffer staging, NDManager chunk, float[] points, int m, DataType dataType) {
        try (NDManager scratch = chunk.newSubManager()) {
            NDArray x = typed(staging.floats(scratch, points, LeNet5.inputShape(m)), dataType);
            int[] predicted = classifier.predictions(x);
            NDArray oneHot = scratch.create(predicted).oneHot(Mnist.CLASSES).toType(dataType, false);
            addAll(sums, Measure.GRADNORM + suffix, norms.lossGradientNorms(x, oneHot));
            addAll(sums, Measure.JACOBIAN + suffix, norms.jacobianNorms(x));
        }
    }

    /** Per image: predicted correctly, and (if {@code also} is given) also correct there. */
    private static boolean[] correct(int[] predicted, int[] labels, boolean[] also) {
        boolean[] c = new boolean[predicted.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = predicted[i] == labels[i] && (also == null || also[i]);
        }
        return c;
    }

    private static void add(Map<String, Double> sums, String kind, double parameter, boolean[] correct) {
        int count = 0;
        for (boolean c : correct) {
            count += c ? 1 : 0;
        }
        sums.merge(kind + "@" + RobustnessSpec.format(parameter), (double) count, Double::sum);
    }

    private static void addAll(Map<String, Double> sums, String name, double[] values) {
        double total = 0;
        for (double v : values) {
            total += v;
        }
        sums.merge(name, total, Double::sum);
    }

    private static NDArray typed(NDArray staged, DataType dataType) {
        return dataType == DataType.FLOAT32 ? staged : staged.toType(dataType, false);
    }

    /** A random stream that is a function of the seed, the purpose, the chunk and the measure's index. */
    static SplittableRandom random(long seed, int purpose, int chunkStart, int index) {
        long mixed = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L * purpose).nextLong();
        mixed = new SplittableRandom(mixed + chunkStart).nextLong();
        return new SplittableRandom(mixed + index);
    }
}
