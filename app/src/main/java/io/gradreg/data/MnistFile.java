package io.gradreg.data;

/**
 * The four MNIST files, with the SHA-256 of their decompressed content and their shape.
 *
 * <p>The checksums are of the IDX content, not of the gzip stream, so a directory holding the
 * raw files and one holding gzipped files are verified the same way.
 */
public enum MnistFile {
    TRAIN_IMAGES("train-images-idx3-ubyte", 2051, 60_000,
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    TRAIN_LABELS("train-labels-idx1-ubyte", 2049, 60_000,
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    TEST_IMAGES("t10k-images-idx3-ubyte", 2051, 10_000,
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    TEST_LABELS("t10k-labels-idx1-ubyte", 2049, 10_000,
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    /** Image side in pixels. */
    public static final int SIDE = 28;

    private final String baseName;
    private final int magic;
    private final int count;
    private final String sha256;

    MnistFile(String baseName, int magic, int count, String sha256) {
        this.baseName = baseName;
        this.magic = magic;
        this.count = count;
        this.sha256 = sha256;
    }

    public String baseName() {
        return baseName;
    }

    /** IDX magic number: 2049 for labels (unsigned byte, 1 dimension), 2051 for images (3). */
    public int magic() {
        return magic;
    }

    public int count() {
        return count;
    }

    public String sha256() {
        return sha256;
    }

    /** Expected length in bytes of the decompressed IDX content. */
    public long expectedBytes() {
        return magic == 2051 ? 16L + (long) count * SIDE * SIDE : 8L + count;
    }
}
