package io.gradreg.training;

/**
 * Test-set result of a run.
 *
 * @param accuracy fraction of test images classified correctly
 * @param loss mean cross-entropy over all test images
 * @param examples number of test images
 */
public record Evaluation(double accuracy, double loss, int examples) {
}
