package io.gradreg.spi.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.gradreg.autograd.InputGradients;
import io.gradreg.autograd.TorchPenaltyContext;
import io.gradreg.spi.Regularizer;
import io.gradreg.spi.Scalars;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The kit's objective as gradreg's training step computes it: the mean cross-entropy, the
 * regularizer's penalty through gradreg's own {@code PenaltyContext}, and
 * {@code loss + weight * penalty}; its gradient with respect to every parameter from one backward
 * pass, and central differences of it. {@code seed} seeds the penalty's random draws.
 */
final class KitObjective {

    private final String name;
    private final Regularizer regularizer;
    private final long seed;

    KitObjective(String name, Regularizer regularizer, long seed) {
        this.name = name;
        this.regularizer = regularizer;
        this.seed = seed;
    }

    /** {loss, penalty, loss + weight * penalty} with grad mode on, as the training step builds them. */
    NDArray[] objective(TinyLeNet net, InputGradients gradients, NDManager step, double[] images,
            int[] labels, double w, KitRandom random) {
        int b = labels.length;
        JniUtils.setGradMode(true);
        try {
            NDArray x = step.create(images, new Shape(b, 1, 28, 28));
            if (regularizer.usesInputGradients()) {
                x.setRequiresGradient(true);
            }
            NDArray y = step.create(labels);
            NDArray logits = net.forward(x);
            NDArray loss = TorchPenaltyContext.meanCrossEntropy(logits, y);
            NDArray penalty = regularizer.penalty(new TorchPenaltyContext(x, logits, loss, y, b, random, gradients,
                    step));
            String notAScalar = TorchPenaltyContext.notAScalar(penalty, b, "for the kit's minibatch");
            if (notAScalar != null) {
                fail(name + " " + notAScalar);
            }
            return new NDArray[] {loss, penalty, w == 0 ? loss : loss.add(Scalars.mul(penalty, w))};
        } finally {
            JniUtils.setGradMode(false);
        }
    }

    /** Every parameter's gradient of the objective, optionally with garbage collected before the backward pass. */
    List<double[]> gradients(TinyLeNet net, InputGradients gradients, NDManager manager, double[] images,
            int[] labels, double w, boolean collectGarbage) {
        List<double[]> out = new ArrayList<>();
        try (NDManager step = manager.newSubManager()) {
            NDArray total = objective(net, gradients, step, images, labels, w, KitRandom.seeded(seed))[2];
            List<ByteBuffer> held = collectGarbage ? FreedMemory.churn(10, 2000) : List.of();
            JniUtils.setGradMode(true);
            try {
                JniUtils.backward((PtNDArray) total, (PtNDArray) step.ones(new Shape(), total.getDataType()), false,
                        false);
            } finally {
                JniUtils.setGradMode(false);
            }
            held.size(); // the NaN blocks stay allocated until the backward pass is done
            for (NDArray p : net.parameters()) {
                try (NDArray g = JniUtils.getGradient((PtNDArray) p)) {
                    out.add(g.toType(DataType.FLOAT64, false).toDoubleArray());
                }
                JniUtils.zeroGrad((PtNDArray) p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** d(loss + weight * penalty) / d w[index] by central differences of step {@code h}. */
    double centralDifference(TinyLeNet net, InputGradients gradients, NDManager manager, NDArray w, int index,
            double h, double[] images, int[] labels, double weight) {
        return (perturbed(net, gradients, manager, w, index, h, images, labels, weight)
                - perturbed(net, gradients, manager, w, index, -h, images, labels, weight)) / (2 * h);
    }

    private double perturbed(TinyLeNet net, InputGradients gradients, NDManager manager, NDArray w, int index,
            double h, double[] images, int[] labels, double weight) {
        double[] delta = new double[Math.toIntExact(w.size())];
        delta[index] = h;
        try (NDManager step = manager.newSubManager()) {
            NDArray d = step.create(delta, w.getShape());
            w.addi(d);
            try {
                return objective(net, gradients, step, images, labels, weight, KitRandom.seeded(seed))[2]
                        .getDouble();
            } finally {
                w.subi(d);
            }
        }
    }
}
