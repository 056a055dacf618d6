package io.gradreg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.gradreg.autograd.InputGradients;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InputGradientsTest {

    @BeforeAll
    static void engine() {
        TorchEngine.start(1);
    }

    /** y = sum_j w_j x_j^3: dy/dx = 3 w x^2 and d/dw ||dy/dx||^2 = 18 w x^4, exactly. */
    @Test
    void gradientIsDifferentiableAgainAndExact() {
        try (NDManager manager = NDManager.newBaseManager();
                InputGradients gradients = new InputGradients(manager)) {
            JniUtils.setGradMode(true);
            try {
                NDArray x = manager.create(new double[] {1, 2, 3});
                NDArray w = manager.create(new double[] {0.5, -1, 2});
                x.setRequiresGradient(true);
                w.setRequiresGradient(true);
                NDArray y = x.pow(3).mul(w).sum();
                NDArray g = gradients.gradient(y, x);
                assertArrayEquals(new double[] {1.5, -12, 54}, g.toDoubleArray(), 1e-12);
                NDArray penalty = g.square().sum();
                JniUtils.backward((PtNDArray) penalty, (PtNDArray) manager.ones(new Shape(), penalty.getDataType()),
                        false, false);
                assertArrayEquals(new double[] {9, -288, 2916}, w.getGradient().toDoubleArray(), 1e-9);
                // d/dx ||3 w x^2||^2 = 36 w^2 x^3
                assertArrayEquals(new double[] {9, 288, 3888}, x.getGradient().toDoubleArray(), 1e-9);
            } finally {
                JniUtils.setGradMode(false);
            }
        }
    }

    /**
     * The cause of the memory leak of backward(createGraph=true) is a graph left in a leaf's .grad;
     * autograd.grad leaves none: after the penalty's backward, every gradient is a plain tensor.
     */
    @Test
    void noLeafGradientHoldsAGraph() {
        try (NDManager manager = NDManager.newBaseManager();
                InputGradients gradients = new InputGradients(manager)) {
            JniUtils.setGradMode(true);
            try {
                NDArray x = manager.create(new double[] {1, 2, 3});
                NDArray w = manager.create(new double[] {0.5, -1, 2});
                x.setRequiresGradient(true);
                w.setRequiresGradient(true);
                NDArray g = gradients.gradient(x.pow(3).mul(w).sum(), x);
                NDArray total = x.pow(3).mul(w).sum().add(g.square().sum());
                JniUtils.backward((PtNDArray) total, (PtNDArray) manager.ones(new Shape(), total.getDataType()),
                        false, false);
                assertFalse(JniUtils.requiresGrad((PtNDArray) w.getGradient()), "w.grad carries a graph");
                assertFalse(JniUtils.requiresGrad((PtNDArray) x.getGradient()), "x.grad carries a graph");
            } finally {
                JniUtils.setGradMode(false);
            }
        }
    }
}
