package io.gradreg.robustness;

import java.util.Map;

/**
 * What {@link RobustnessEvaluator} measured on one network.
 *
 * @param clean fraction of the evaluated images classified correctly without perturbation (the
 *     network's test accuracy when all 10,000 are evaluated)
 * @param measures each measure of the spec by name ({@link Measure}), in report order, with
 *     {@link Measure#SECONDS} the wall time of the whole robustness evaluation
 * @param images test images evaluated
 */
public record RobustnessResult(double clean, Map<String, Double> measures, int images) {

    public RobustnessResult {
        measures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(measures));
    }

    /** Wall time of the evaluation in seconds (0 if nothing was measured). */
    public double seconds() {
        return measures.getOrDefault(Measure.SECONDS, 0.0);
    }
}
