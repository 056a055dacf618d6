package io.gradreg.regularizer.builtin;

import io.gradreg.regularizer.JacobianNorms;
import io.gradreg.regularizer.Regularizer;
import io.gradreg.regularizer.RegularizerParameters;
import io.gradreg.regularizer.RegularizerProvider;

/** {@code jacreg}: (1/B) sum_i ||d softmax(z(x_i)) / d x_i||_F^2. */
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
