package io.gradreg.regularizer.builtin;

import ai.djl.ndarray.NDArray;
import io.gradreg.spi.PenaltyContext;
import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import io.gradreg.spi.SpiVersion;
import io.gradreg.spi.Scalars;

/**
 * {@code spectreg}: (1/B) sum_i ||r_i^T J_i||^2 with J_i = d z(x_i) / d x_i and r_i ~ N(0, I)
 * drawn afresh for every example of every minibatch.
 *
 * <p>E[||r^T J||^2] = E[r^T J J^T r] = tr(J J^T) = ||J||_F^2, so this is an unbiased estimate of
 * FrobReg at the cost of one input gradient instead of one per class: d (sum_i r_i . z_i) / d x
 * gives every r_i^T J_i at once. The projections are drawn row-major, example by example, with
 * {@code nextGaussian()} from the run's random stream.
 *
 * <p>Weights: the paper's convention and gradreg's per-example mean coincide (the paper, too,
 * averages this penalty over the minibatch), so {@link #paperPenaltyScale} keeps its default 1 and
 * the replication report's weights are used as published.
 */
@SpiVersion(SpiVersion.CURRENT)
public final class SpectReg implements RegularizerProvider {

    @Override
    public String name() {
        return "spectreg";
    }

    @Override
    public String description() {
        return "squared norm of a random Gaussian projection of the logits' Jacobian (unbiased FrobReg estimate)";
    }

    @Override
    public Regularizer create(RegularizerParameters parameters) {
        return SpectReg::penalty;
    }

    static NDArray penalty(PenaltyContext context) {
        NDArray logits = context.logits();
        float[] r = new float[Math.toIntExact(logits.size())];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) context.random().nextGaussian();
        }
        NDArray projection = context.constant(r, logits.getShape());
        NDArray g = context.inputGradient(logits.mul(projection).sum());
        return Scalars.div(g.square().sum(), context.batchSize());
    }
}
