package io.gradreg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.gradreg.spi.Scalars;
import io.gradreg.spi.testkit.FreedMemory;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A number that autograd keeps for the backward pass must outlive garbage collection between the
 * forward and the backward pass (see {@link Scalars}). The test collects garbage and then fills
 * freshly allocated native memory with NaN, which is where the scalar's memory would go if it
 * had been freed, as DJL's own {@code array.div(4)} lets happen: with that instead of
 * {@link Scalars#div} the gradient here comes out NaN.
 */
class ScalarLifetimeTest {

    @BeforeAll
    static void engine() {
        TorchEngine.start(1);
    }

    @Test
    void theGradientThroughMulAndDivByANumberSurvivesGarbageCollection() throws InterruptedException {
        try (NDManager manager = NDManager.newBaseManager(); NDManager step = manager.newSubManager()) {
            JniUtils.setGradMode(true);
            try {
                NDArray x = step.create(new float[] {1, 2, 3});
                x.setRequiresGradient(true);
                // d/dx sum(3 x^2 / 4) = 1.5 x
                NDArray y = Scalars.div(Scalars.mul(x.square(), 3), 4).sum();
                List<ByteBuffer> reused = FreedMemory.churn(10, 2000);
                JniUtils.backward((PtNDArray) y, (PtNDArray) step.ones(new Shape()), false, false);
                try (NDArray g = JniUtils.getGradient((PtNDArray) x)) {
                    assertArrayEquals(new float[] {1.5f, 3f, 4.5f}, g.toFloatArray(), 0f);
                }
                reused.clear();
            } finally {
                JniUtils.setGradMode(false);
            }
        }
    }
}
