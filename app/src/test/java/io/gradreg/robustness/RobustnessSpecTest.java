package io.gradreg.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RobustnessSpecTest {

    @Test
    void parsesTheDocumentedSyntaxIntoCanonicalText() {
        RobustnessSpec spec = RobustnessSpec.parse("fgsm:0.1,0.05 pgd:0.10 noise:0.3 gradnorm");
        assertEquals(List.of(0.05, 0.1), spec.fgsm());
        assertEquals(List.of(0.1), spec.pgd());
        assertEquals(List.of(0.3), spec.noise());
        assertTrue(spec.gradnorm());
        assertEquals("fgsm:0.05,0.1 pgd:0.1 noise:0.3 gradnorm", spec.text());
        assertEquals(spec, RobustnessSpec.parse(spec.text()));
        assertEquals(List.of("fgsm@0.05", "fgsm@0.1", "pgd@0.1", "noise@0.3", "gradnorm", "jacobian", "gradnorm@noise",
                "jacobian@noise", "gradnorm@midpoint", "jacobian@midpoint", "robustness-seconds"), spec.measures());
    }

    @Test
    void noneAndEmptyMeasureNothing() {
        assertTrue(RobustnessSpec.parse("none").isEmpty());
        assertTrue(RobustnessSpec.parse(" ").isEmpty());
        assertEquals("none", RobustnessSpec.NONE.text());
        assertEquals(List.of(), RobustnessSpec.NONE.measures());
        assertFalse(RobustnessSpec.parse("gradnorm").isEmpty());
    }

    @Test
    void mistakesAreRefusedWithHowToWriteIt() {
        assertEquals("unknown item 'fsgm:0.1'; write e.g. 'fgsm:0.05,0.1 pgd:0.1 noise:0.3 gradnorm' (radii and "
                + "deviations on the [0, 1] pixel scale) or 'none'", message("fsgm:0.1"));
        assertEquals("'fgsm' value 8 is outside [0, 1] (pixels are scaled to [0, 1], so a radius of 8/255 is 0.0314)",
                message("fgsm:8"));
        assertTrue(message("pgd").startsWith("'pgd' needs its values, e.g. 'pgd:0.1'"), message("pgd"));
        assertTrue(message("fgsm:0.1 fgsm:0.2").startsWith("'fgsm' is listed twice"));
        assertEquals("'noise' lists 0.3 twice", message("noise:0.3,0.3"));
        assertTrue(message("fgsm:x").startsWith("'fgsm' value 'x' is not a number"));
        assertTrue(message("gradnorm:1").startsWith("'gradnorm' takes no values"));
        assertTrue(message("none fgsm:0.1").startsWith("'none' cannot be combined"));
        assertTrue(message("fgsm:0.1,").startsWith("'fgsm' value '' is not a number"));
    }

    @Test
    void measureNamesParseBackAndSortForReports() {
        assertEquals(new Measure("fgsm", 0.1), Measure.parse("fgsm@0.10"));
        assertEquals("fgsm@0.1", Measure.parse("fgsm@0.10").name());
        assertTrue(Measure.parse("pgd@0.3").isAccuracy());
        assertFalse(Measure.parse("jacobian@midpoint").isAccuracy());
        assertThrows(IllegalArgumentException.class, () -> Measure.parse("accuracy"));
        assertThrows(IllegalArgumentException.class, () -> Measure.parse("fgsm@2"));
        List<String> sorted = new java.util.ArrayList<>(List.of("robustness-seconds", "jacobian", "noise@0.3", "pgd@0.1",
                "fgsm@0.1", "gradnorm", "fgsm@0.05"));
        sorted.sort(Measure.ORDER);
        assertEquals(List.of("fgsm@0.05", "fgsm@0.1", "pgd@0.1", "noise@0.3", "gradnorm", "jacobian",
                "robustness-seconds"), sorted);
    }

    private static String message(String text) {
        return assertThrows(IllegalArgumentException.class, () -> RobustnessSpec.parse(text)).getMessage();
    }
}
