package io.gradreg.regularizer.builtin;

import ai.djl.ndarray.NDArray;
import io.gradreg.spi.PenaltyContext;
import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import io.gradreg.spi.SpiVersion;
import io.gradreg.spi.Scalars;

/**
 * {@code cp}, the confidence penalty (Pereyra et al., 2017): the negative entropy of the softmax
 * output, (1/B) sum_i sum_k p_ik log p_ik. Penalizing it pushes predictions away from
 * over-confidence. It needs no input gradient.
 *
 * <p>Weights: the paper's convention and gradreg's per-example mean coincide (the paper, too,
 * averages this penalty over the minibatch), so {@link #paperPenaltyScale} keeps its default 1 and
 * the replication report's weights are used as published.
 */
@SpiVersion(SpiVersion.CURRENT)
public final class ConfidencePenalty implements RegularizerProvider {

    @Override
    public String name() {
        return "cp";
    }

    @Override
    public String description() {
        return "confidence penalty: negative entropy of the softmax output";
    }

    @Override
    public Regularizer create(RegularizerParameters parameters) {
        return new Regularizer() {
            @Override
            public NDArray penalty(PenaltyContext context) {
                return ConfidencePenalty.penalty(context);
            }

            @Override
            public boolean usesInputGradients() {
                return false;
            }
        };
    }

    static NDArray penalty(PenaltyContext context) {
        NDArray logP = context.logits().logSoftmax(1);
        return Scalars.div(logP.exp().mul(logP).sum(), context.batchSize());
    }
}
