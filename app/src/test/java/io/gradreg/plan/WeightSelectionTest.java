package io.gradreg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WeightSelectionTest {

    static WeightSelection.Point point(double weight, double... accuracies) {
        return new WeightSelection.Point(weight, accuracies, 3);
    }

    // means 97.0, 97.5, 97.6, 97.4, 96.0; the best (0.01) has sd 0.3, n 3: se 0.3/√3 = 0.1732
    static final List<WeightSelection.Point> GRID = List.of(
            point(0.001, 96.9, 97.0, 97.1),
            point(0.003, 97.3, 97.5, 97.7),
            point(0.01, 97.3, 97.6, 97.9),
            point(0.03, 97.3, 97.4, 97.5),
            point(0.1, 95.9, 96.0, 96.1));

    @Test
    void bestMeanTakesTheHighestMean() {
        WeightSelection.Selected s = WeightSelection.select(GRID, WeightSelection.Rule.BEST_MEAN).orElseThrow();
        assertEquals(0.01, s.weight());
        assertEquals(97.6, s.best().mean(), 1e-12);
    }

    @Test
    void oneStandardErrorTakesTheLargestWeightWithinOneSeOfTheBest() {
        // floor 97.6 - 0.1732 = 97.4268: 0.03 (97.4) is just below it, so 0.01 stays
        assertEquals(0.01, WeightSelection.select(GRID, WeightSelection.Rule.ONE_SE).orElseThrow().weight());
        // with 0.03 at 97.45 (inside the floor) the rule moves to it
        List<WeightSelection.Point> grid = List.of(GRID.get(0), GRID.get(1), GRID.get(2),
                point(0.03, 97.35, 97.45, 97.55), GRID.get(4));
        assertEquals(0.03, WeightSelection.select(grid, WeightSelection.Rule.ONE_SE).orElseThrow().weight());
    }

    @Test
    void aWeightWithADivergedRunDoesNotCompete() {
        List<WeightSelection.Point> grid = List.of(GRID.get(0), new WeightSelection.Point(0.01, new double[] {99.0, 99.0},
                3), GRID.get(3));
        WeightSelection.Selected s = WeightSelection.select(grid, WeightSelection.Rule.BEST_MEAN).orElseThrow();
        assertEquals(0.03, s.weight());
        assertEquals(List.of(0.01), s.incomplete());
        assertTrue(WeightSelection.select(List.of(new WeightSelection.Point(1, new double[0], 3)),
                WeightSelection.Rule.BEST_MEAN).isEmpty());
    }

    @Test
    void tiesGoToTheLargerWeightAndRulesParse() {
        List<WeightSelection.Point> grid = List.of(point(0.1, 97.0, 97.0, 97.0), point(0.3, 97.0, 97.0, 97.0));
        assertEquals(0.3, WeightSelection.select(grid, WeightSelection.Rule.BEST_MEAN).orElseThrow().weight());
        assertEquals(WeightSelection.Rule.ONE_SE, WeightSelection.Rule.parse("one-se"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightSelection.Rule.parse("best"));
        assertEquals("select must be 'best-mean' or 'one-se', was 'best'", e.getMessage());
    }
}
