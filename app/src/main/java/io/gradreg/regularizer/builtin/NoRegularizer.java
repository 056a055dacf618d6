package io.gradreg.regularizer.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.gradreg.spi.PenaltyContext;
import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import io.gradreg.spi.SpiVersion;

/** {@code none}: penalty 0, the unregularized baseline. */
@SpiVersion(SpiVersion.CURRENT)
public final class NoRegularizer implements RegularizerProvider {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public String description() {
        return "no penalty (baseline)";
    }

    @Override
    public Regularizer create(RegularizerParameters parameters) {
        return new Regularizer() {
            @Override
            public NDArray penalty(PenaltyContext context) {
                return context.manager().zeros(new Shape(), context.logits().getDataType());
            }

            @Override
            public boolean usesInputGradients() {
                return false;
            }
        };
    }
}
