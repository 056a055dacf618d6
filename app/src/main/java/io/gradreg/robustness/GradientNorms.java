package io.gradreg.robustness;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.gradreg.data.Mnist;

/**
 * Per-image input-gradient norms, exact: ||d loss_i / d x_i||_2 (loss_i the cross-entropy of image
 * i at a given class) and the Frobenius norm of the 10 x 784 Jacobian d z_i / d x_i of the logits.
 * The Jacobian's rows are 10 vector-Jacobian products; they are computed in one backward pass per
 * group of {@link #JACOBIAN_GROUP} images, each image repeated 10 times with row k of the k-th copy
 * selected, so that ||J||_F^2 is the sum of the squared norms of the 10 copies' gradients.
 */
final class GradientNorms {

    /** Images per Jacobian pass (10 copies each). */
    static final int JACOBIAN_GROUP = 10;

    private final Classifier classifier;

    GradientNorms(Classifier classifier) {
        this.classifier = classifier;
    }

    /** ||d loss_i / d x_i||_2 for every image of {@code x}, the loss at the class of row i of {@code oneHot}. */
    double[] lossGradientNorms(NDArray x, NDArray oneHot) {
        try (NDManager scratch = x.getManager().newSubManager()) {
            NDArray gradient = classifier.lossGradient(x, oneHot);
            gradient.attach(scratch);
            return rowNorms(gradient, x.getShape().get(0));
        }
    }

    /** ||d z_i / d x_i||_F for every image of {@code x}. */
    double[] jacobianNorms(NDArray x) {
        int n = Math.toIntExact(x.getShape().get(0));
        double[] norms = new double[n];
        for (int from = 0; from < n; from += JACOBIAN_GROUP) {
            int count = Math.min(JACOBIAN_GROUP, n - from);
            try (NDManager scratch = x.getManager().newSubManager()) {
                NDArray group = x.get(from + ":" + (from + count));
                group.attach(scratch);
                NDArray copies = group.repeat(0, Mnist.CLASSES); // image i's copies are rows 10i .. 10i + 9
                NDArray rows = scratch.eye(Mnist.CLASSES, Mnist.CLASSES, 0, classifier.dataType())
                        .tile(new long[] {count, 1}); // copy k of each image selects logit k
                NDArray gradient = classifier.vectorJacobian(copies, rows);
                double[] squares = squaredRowNorms(gradient.reshape(new Shape(count, -1)));
                for (int i = 0; i < count; i++) {
                    norms[from + i] = Math.sqrt(squares[i]);
                }
            }
        }
        return norms;
    }

    private static double[] rowNorms(NDArray gradient, long rows) {
        double[] squares = squaredRowNorms(gradient.reshape(new Shape(rows, -1)));
        for (int i = 0; i < squares.length; i++) {
            squares[i] = Math.sqrt(squares[i]);
        }
        return squares;
    }

    /** Sums of squares of each row, accumulated in double precision. */
    private static double[] squaredRowNorms(NDArray matrix) {
        return matrix.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).square().sum(new int[] {1}).toDoubleArray();
    }
}
