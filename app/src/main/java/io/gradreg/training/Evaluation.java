package io.gradreg.training;

import java.util.Map;

/**
 * Test-set result of a run.
 *
 * @param accuracy fraction of test images classified correctly
 * @param loss mean cross-entropy over all test images
 * @param examples number of test images
 * @param measures the robustness measures the job asked for, by name (io.gradreg.robustness.Measure),
 *     empty if none
 */
public record Evaluation(double accuracy, double loss, int examples, Map<String, Double> measures) {

    public Evaluation {
        measures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(measures));
    }

    public Evaluation(double accuracy, double loss, int examples) {
        this(accuracy, loss, examples, Map.of());
    }
}
