package io.gradreg.data;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * MNIST in memory: images as floats in [0, 1] (pixel / 255), row-major 28 x 28, and labels 0..9.
 * Immutable after loading and safe to share between concurrent training runs.
 */
public final class Mnist {

    public static final int PIXELS = MnistFile.SIDE * MnistFile.SIDE;
    public static final int CLASSES = 10;
    /** Training images of the least frequent class (digit 5): the most a per-class subset can take. */
    public static final int SMALLEST_CLASS = 5421;
    public static final int TRAIN_IMAGES = 60_000;

    private final Split train;
    private final Split test;

    private Mnist(Split train, Split test) {
        this.train = train;
        this.test = test;
    }

    /** Loads and verifies the four files in {@code dir}; see {@link MnistFile}. */
    public static Mnist load(Path dir) {
        Split train = Split.read(dir, MnistFile.TRAIN_IMAGES, MnistFile.TRAIN_LABELS);
        Split test = Split.read(dir, MnistFile.TEST_IMAGES, MnistFile.TEST_LABELS);
        return new Mnist(train, test);
    }

    public Split train() {
        return train;
    }

    public Split test() {
        return test;
    }

    /** One split: {@code size()} images with their labels. */
    public static final class Split {
        /** Raw pixel bytes 0..255, image after image; a quarter of the memory of floats. */
        private final byte[] pixels;
        private final byte[] labels;

        private Split(byte[] pixels, byte[] labels) {
            this.pixels = pixels;
            this.labels = labels;
        }

        static Split read(Path dir, MnistFile imageFile, MnistFile labelFile) {
            ByteBuffer images = IdxReader.read(dir, imageFile);
            ByteBuffer labelBytes = IdxReader.read(dir, labelFile);
            byte[] pixels = new byte[imageFile.count() * PIXELS];
            images.get(pixels);
            byte[] labels = new byte[labelFile.count()];
            labelBytes.get(labels);
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= CLASSES) {
                    throw new DataFileException(labelFile.baseName() + ": label " + labels[i] + " at index " + i
                            + " is outside 0..9");
                }
            }
            return new Split(pixels, labels);
        }

        /**
         * The images at {@code indices} (in that order) as a split of their own: a run's
         * validation images are such a view of the training split.
         */
        public Split select(int[] indices) {
            byte[] p = new byte[indices.length * PIXELS];
            byte[] l = new byte[indices.length];
            for (int i = 0; i < indices.length; i++) {
                System.arraycopy(pixels, indices[i] * PIXELS, p, i * PIXELS, PIXELS);
                l[i] = labels[indices[i]];
            }
            return new Split(p, l);
        }

        public int size() {
            return labels.length;
        }

        public int label(int index) {
            return labels[index];
        }

        /** Copies image {@code index} into {@code target} starting at {@code offset}. */
        public void copyImage(int index, float[] target, int offset) {
            int start = index * PIXELS;
            for (int i = 0; i < PIXELS; i++) {
                target[offset + i] = (pixels[start + i] & 0xff) / 255f;
            }
        }
    }
}
