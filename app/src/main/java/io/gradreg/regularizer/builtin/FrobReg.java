package io.gradreg.regularizer.builtin;

import io.gradreg.spi.JacobianNorms;
import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import io.gradreg.spi.SpiVersion;

/** {@code frobreg}: (1/B) sum_i ||d z(x_i) / d x_i||_F^2, z the logits. */
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
