package io.gradreg.regularizer.builtin;

import ai.djl.ndarray.NDArray;
import io.gradreg.spi.PenaltyContext;
import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import io.gradreg.spi.SpiVersion;
import io.gradreg.spi.Scalars;

/**
 * {@code doubleback} (Drucker and LeCun, 1992): (1/B) sum_i ||d loss_i / d x_i||^2.
 *
 * <p>With L = (1/B) sum_i loss_i the batch's mean cross-entropy, d L / d x_i = (1/B) d loss_i / d x_i,
 * so one input gradient g = d L / d x gives the penalty as B * ||g||^2.
 *
 * <p>Weights in two conventions: in gradreg's per-example mean (above) and in the paper's, which
 * penalizes ||d L / d x||^2 = (1/B^2) sum_i ||d loss_i / d x_i||^2, that is 1/B of the mean
 * ({@link #paperPenaltyScale}). The replication report's weight 50 (paper) is weight 1 (mean) at
 * B = 50; {@code PaperConventionTest} proves the two train identically.
 */
@SpiVersion(SpiVersion.CURRENT)
public final class DoubleBack implements RegularizerProvider {

    @Override
    public String name() {
        return "doubleback";
    }

    @Override
    public String description() {
        return "squared L2 norm of the cross-entropy's gradient w.r.t. the input";
    }

    @Override
    public double paperPenaltyScale(int batchSize) {
        return 1.0 / batchSize;
    }

    @Override
    public Regularizer create(RegularizerParameters parameters) {
        return DoubleBack::penalty;
    }

    static NDArray penalty(PenaltyContext context) {
        NDArray g = context.inputGradient(context.loss());
        return Scalars.mul(g.square().sum(), context.batchSize());
    }
}
