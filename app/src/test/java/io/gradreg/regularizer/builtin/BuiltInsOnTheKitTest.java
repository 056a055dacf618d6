package io.gradreg.regularizer.builtin;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import io.gradreg.spi.JacobianNorms;
import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerProvider;
import io.gradreg.spi.Scalars;
import io.gradreg.spi.testkit.Example;
import io.gradreg.spi.testkit.PenaltyCheck;
import io.gradreg.spi.testkit.ProviderCheck;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;

/**
 * The six built-ins checked with the plugin test kit, exactly as a plugin author checks a plugin:
 * each against its per-example definition written here in plain Java from central differences,
 * its parameter gradients, the per-example mean and garbage-collection pressure, on the kit's
 * plain network and (all but the definition) on its batch-norm network. Copies of the
 * built-ins broken the usual ways (a factor dropped, DJL's {@code mul(number)}) must fail: the
 * proof that the kit would catch such a change to a built-in.
 */
class BuiltInsOnTheKitTest {

    private static final Map<String, RegularizerProvider> BUILT_INS = Map.of("none", new NoRegularizer(),
            "doubleback", new DoubleBack(), "jacreg", new JacReg(), "frobreg", new FrobReg(), "spectreg", new SpectReg(),
            "cp", new ConfidencePenalty());

    @ParameterizedTest
    @ValueSource(strings = {"none", "doubleback", "jacreg", "frobreg", "spectreg", "cp"})
    void builtInPassesTheKit(String name) {
        RegularizerProvider provider = BUILT_INS.get(name);
        ProviderCheck.assertRegistered(provider.getClass());
        PenaltyCheck check = PenaltyCheck.of(provider);
        if (!name.equals("none")) {
            assertTrue(Math.abs(check.assertFiniteScalar()) > 1e-4, name + ": a vacuous check, the penalty is ~0");
        }
        check.assertAll(definition(name));
        check.onBatchNormNetwork().assertAll(); // the gradient through batch norm, as the batchnorm architecture trains
    }

    private static final String WRONG = "the penalty does not compute its definition";

    /** {built-in, what is broken, what the kit's failure says, the broken copy}. */
    static Stream<Arguments> brokenCopies() {
        return Stream.of(
                Arguments.of("doubleback", "factor B dropped", WRONG, (Regularizer) context ->
                        context.inputGradient(context.loss()).square().sum()),
                Arguments.of("spectreg", "division by B dropped", WRONG, (Regularizer) context -> Scalars.mul(
                        SpectReg.penalty(context), context.batchSize())),
                Arguments.of("frobreg", "summed over the minibatch, not averaged", WRONG, (Regularizer) context ->
                        Scalars.mul(JacobianNorms.meanSquaredFrobenius(context, context.logits()), context.batchSize())),
                Arguments.of("jacreg", "Jacobian of the logits instead of the softmax", WRONG, (Regularizer) context ->
                        JacobianNorms.meanSquaredFrobenius(context, context.logits())),
                Arguments.of("cp", "sign dropped", WRONG, (Regularizer) context ->
                        ConfidencePenalty.penalty(context).neg()),
                Arguments.of("doubleback", "DJL's mul(number) instead of Scalars.mul",
                        "the gradient changed when garbage was collected", (Regularizer) context -> {
                    NDArray g = context.inputGradient(context.loss());
                    return g.square().sum().mul(context.batchSize());
                }));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("brokenCopies")
    void theKitRejectsABrokenCopy(String name, String breakage, String failure, Regularizer broken) {
        PenaltyCheck check = PenaltyCheck.of(name + " (" + breakage + ")", broken);
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> check.assertAll(definition(name)));
        assertTrue(e.getMessage().startsWith("regularizer '" + name + " (" + breakage + ")': "), e.getMessage());
        assertTrue(e.getMessage().contains(failure), e.getMessage());
    }

    // ---- the definitions, per example, independent of DJL ----

    static ToDoubleFunction<Example> definition(String name) {
        return switch (name) {
            case "none" -> e -> 0;
            case "doubleback" -> e -> squaredNorm(e.lossGradient());
            case "frobreg" -> e -> squaredNorm(e.logitJacobian());
            case "jacreg" -> e -> squaredNorm(softmaxJacobian(e.probabilities(), e.logitJacobian()));
            case "spectreg" -> e -> {
                double[][] j = e.logitJacobian();
                double[] r = new double[j.length];
                for (int k = 0; k < r.length; k++) {
                    r[k] = (float) e.random().nextGaussian(); // SpectReg draws floats, example by example
                }
                double sum = 0;
                for (int q = 0; q < j[0].length; q++) {
                    double v = 0;
                    for (int k = 0; k < r.length; k++) {
                        v += r[k] * j[k][q];
                    }
                    sum += v * v;
                }
                return sum;
            };
            case "cp" -> e -> {
                double sum = 0;
                for (double p : e.probabilities()) {
                    sum += p * Math.log(p);
                }
                return sum;
            };
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** J_softmax = (diag p - p p^T) J_logits. */
    private static double[][] softmaxJacobian(double[] p, double[][] j) {
        double[][] out = new double[p.length][j[0].length];
        for (int a = 0; a < p.length; a++) {
            for (int b = 0; b < p.length; b++) {
                double d = (a == b ? p[a] : 0) - p[a] * p[b];
                for (int q = 0; q < j[0].length; q++) {
                    out[a][q] += d * j[b][q];
                }
            }
        }
        return out;
    }

    private static double squaredNorm(double[]... rows) {
        double s = 0;
        for (double[] row : rows) {
            for (double v : row) {
                s += v * v;
            }
        }
        return s;
    }
}
