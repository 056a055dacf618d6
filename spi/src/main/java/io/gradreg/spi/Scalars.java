package io.gradreg.spi;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic between an array that will be differentiated and a Java number. Use these instead of
 * {@code array.mul(2)} or {@code array.div(n)} in a penalty.
 *
 * <h2>Why</h2>
 * DJL's PyTorch engine computes {@code array.div(n)} by wrapping {@code n} in a temporary array
 * whose memory is a Java direct buffer (no copy), and closes that array right after the
 * operation. For {@code mul} and {@code div} PyTorch's autograd keeps the scalar, because the
 * backward pass needs it. The native graph then still points into the buffer, which the garbage
 * collector may free, and the allocator reuse, before the backward pass runs. When that happens
 * the gradient is computed from whatever the memory holds by then: rarely, at random, and more
 * often under memory pressure. In gradreg this showed as runs with the same seed that drifted
 * apart, and one that diverged to NaN.
 *
 * <p>These methods create the scalar with the same value and type as DJL would, attached to the
 * array's manager, so that it lives until that manager closes: in a penalty, until the end of
 * the training step, after the backward pass.
 *
 * @since SPI 1.2
 */
public final class Scalars {

    private Scalars() {
    }

    /** {@code array * n}, differentiable. */
    public static NDArray mul(NDArray array, Number n) {
        return array.mul(array.getManager().create(n));
    }

    /** {@code array / n}, differentiable. */
    public static NDArray div(NDArray array, Number n) {
        return array.div(array.getManager().create(n));
    }
}
