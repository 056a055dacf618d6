package io.gradreg.regularizer.builtin;

import io.gradreg.spi.JacobianNorms;
import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import io.gradreg.spi.SpiVersion;

/**
 * {@code frobreg}: (1/B) sum_i ||d z(x_i) / d x_i||_F^2, z the logits.
 *
 * <p>Weights: the paper's convention and gradreg's per-example mean coincide (the paper, too,
 * averages this penalty over the minibatch), so {@link #paperPenaltyScale} keeps its default 1 and
 * the replication report's weights are used as published.
 */
@SpiVersion(SpiVersion.CURRENT)
public final class FrobReg implements RegularizerProvider {

    @Override
    public String name() {
        return "frobreg";
    }

    @Override
    public String description() {
        return "squared Frobenius norm of the logits' Jacobian w.r.t. the input";
    }

    @Override
    public Regularizer create(RegularizerParameters parameters) {
        return context -> JacobianNorms.meanSquaredFrobenius(context, context.logits());
    }
}
