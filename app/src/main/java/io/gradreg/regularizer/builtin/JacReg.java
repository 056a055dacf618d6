package io.gradreg.regularizer.builtin;

import io.gradreg.spi.JacobianNorms;
import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import io.gradreg.spi.SpiVersion;

/** {@code jacreg}: (1/B) sum_i ||d softmax(z(x_i)) / d x_i||_F^2. */
@SpiVersion(SpiVersion.CURRENT)
public final class JacReg implements RegularizerProvider {

    @Override
    public String name() {
        return "jacreg";
    }

    @Override
    public String description() {
        return "squared Frobenius norm of the softmax output's Jacobian w.r.t. the input";
    }

    @Override
    public Regularizer create(RegularizerParameters parameters) {
        return context -> JacobianNorms.meanSquaredFrobenius(context, context.logits().softmax(1));
    }
}
