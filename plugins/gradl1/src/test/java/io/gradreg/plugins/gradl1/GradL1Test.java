package io.gradreg.plugins.gradl1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gradreg.spi.RegularizerException;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.testkit.Example;
import io.gradreg.spi.testkit.PenaltyCheck;
import io.gradreg.spi.testkit.ProviderCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradL1Test {

    private static final GradL1 PROVIDER = new GradL1();

    @Test
    void gradregFindsTheProvider() {
        ProviderCheck.assertRegistered(GradL1.class);
    }

    /** sum_j |d loss_i / d x_ij|, the derivatives by central differences (the kit's Example). */
    @Test
    void penaltyPassesTheKit() {
        PenaltyCheck.of(PROVIDER).assertAll(example -> definition(example, 0));
    }

    /** sum_j (sqrt(u_j^2 + s^2) - s) with u = d loss_i / d x_i. */
    @Test
    void smoothedPenaltyPassesTheKit() {
        PenaltyCheck.of(PROVIDER, Map.of("smoothing", "0.001")).assertAll(example -> definition(example, 0.001));
    }

    /** Finite, a per-example mean, safe under garbage collection, right gradients, through batch norm too. */
    @Test
    void penaltyPassesTheKitOnTheBatchNormNetwork() {
        PenaltyCheck.of(PROVIDER, Map.of("smoothing", "0.001")).onBatchNormNetwork().assertAll();
    }

    @Test
    void negativeSmoothingIsRefusedNamingTheParameter() {
        RegularizerException e = assertThrows(RegularizerException.class,
                () -> PROVIDER.create(RegularizerParameters.of(PROVIDER, Map.of("smoothing", "-1"))));
        assertEquals("parameter 'smoothing' of regularizer 'gradl1' must be zero or a positive number, was '-1'",
                e.getMessage());
    }

    private static double definition(Example example, double s) {
        double sum = 0;
        for (double u : example.lossGradient()) {
            sum += s == 0 ? Math.abs(u) : Math.sqrt(u * u + s * s) - s;
        }
        return sum;
    }
}
