package io.gradreg.plugins.gradl1;

import ai.djl.ndarray.NDArray;
import io.gradreg.spi.ParameterSpec;
import io.gradreg.spi.PenaltyContext;
import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerException;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import io.gradreg.spi.SpiVersion;
import io.gradreg.spi.Scalars;
import java.util.List;

/**
 * {@code gradl1}: (1/B) sum_i ||d loss_i / d x_i||_1, the L1 norm of each example's cross-entropy
 * gradient with respect to its input, averaged over the minibatch.
 *
 * <h2>Why</h2>
 * To first order, an input perturbation d with ||d||_inf &lt;= eps raises loss_i by at most
 * eps * ||d loss_i / d x_i||_1 (Hölder; the bound is reached by d = eps * sign(gradient), the
 * fast-gradient-sign attack). Penalizing the L1 norm therefore trains against the worst-case
 * pixel-wise (L-infinity) perturbation, as Simon-Gabriel et al. (2019) show; DoubleBack, the squared
 * L2 norm, is the dual penalty for L2 perturbations.
 *
 * <h2>Computation</h2>
 * With L = (1/B) sum_i loss_i, d L / d x_i = (1/B) d loss_i / d x_i, so one input gradient
 * g = d L / d x gives every example's: G = B g. The penalty is (1/B) sum h(G) over all elements,
 * with h(u) = |u| by default. The parameter {@code smoothing} s &gt; 0 uses
 * h(u) = sqrt(u^2 + s^2) - s instead, which equals |u| up to s and is differentiable at 0.
 */
@SpiVersion(SpiVersion.CURRENT)
public final class GradL1 implements RegularizerProvider {

    static final String SMOOTHING = "smoothing";

    @Override
    public String name() {
        return "gradl1";
    }

    @Override
    public String description() {
        return "L1 norm of the cross-entropy's gradient w.r.t. the input (robustness to L-infinity perturbations)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(new ParameterSpec(SMOOTHING,
                "s > 0 penalizes sqrt(u^2 + s^2) - s instead of |u| per input derivative u (smooth at 0)", "0"));
    }

    @Override
    public Regularizer create(RegularizerParameters parameters) {
        double smoothing = parameters.getDouble(SMOOTHING);
        if (!(smoothing >= 0) || Double.isInfinite(smoothing)) {
            throw new RegularizerException("parameter '" + SMOOTHING + "' of regularizer 'gradl1' must be zero or a "
                    + "positive number, was '" + parameters.get(SMOOTHING) + "'");
        }
        return context -> penalty(context, smoothing);
    }

    static NDArray penalty(PenaltyContext context, double smoothing) {
        int b = context.batchSize();
        NDArray perExample = Scalars.mul(context.inputGradient(context.loss()), b);
        if (smoothing == 0) {
            return Scalars.div(perExample.abs().sum(), b);
        }
        return Scalars.div(perExample.square().add(smoothing * smoothing).sqrt().sub(smoothing).sum(), b);
    }
}
