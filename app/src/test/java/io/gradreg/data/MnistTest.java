package io.gradreg.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {

    static final Path SHIPPED = Path.of("data/mnist");
    static Mnist mnist;

    @BeforeAll
    static void load() {
        mnist = Mnist.load(SHIPPED);
    }

    @Test
    void shippedFilesLoadWithTheirKnownContent() {
        assertEquals(60_000, mnist.train().size());
        assertEquals(10_000, mnist.test().size());
        // The first digits of MNIST are well known: train 5, 0, 4, 1, 9; test 7, 2, 1, 0, 4.
        int[] train = {5, 0, 4, 1, 9};
        int[] test = {7, 2, 1, 0, 4};
        for (int i = 0; i < 5; i++) {
            assertEquals(train[i], mnist.train().label(i));
            assertEquals(test[i], mnist.test().label(i));
        }
        float[] image = new float[Mnist.PIXELS];
        mnist.train().copyImage(0, image, 0);
        float max = 0;
        for (float v : image) {
            assertTrue(v >= 0 && v <= 1);
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) throws IOException {
        copyAllBut(dir, MnistFile.TEST_LABELS);
        DataFileException e = assertThrows(DataFileException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("MNIST file missing"), e.getMessage());
    }

    @Test
    void truncatedFileIsNamed(@TempDir Path dir) throws IOException {
        copyAllBut(dir, MnistFile.TRAIN_LABELS);
        byte[] gz = Files.readAllBytes(SHIPPED.resolve("train-labels-idx1-ubyte.gz"));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), java.util.Arrays.copyOf(gz, gz.length / 2));
        DataFileException e = assertThrows(DataFileException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte.gz is truncated"), e.getMessage());
    }

    @Test
    void aGzipBombIsRefusedWithoutReadingItWhole(@TempDir Path dir) throws IOException {
        copyAllBut(dir, MnistFile.TRAIN_IMAGES);
        // 128 MiB of zeros in about 128 KB of gzip: the reader stops one byte past MNIST's 47 MB
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("train-images-idx3-ubyte.gz")))) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 128; i++) {
                out.write(zeros);
            }
        }
        DataFileException e = assertThrows(DataFileException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz holds more than the 47040016 bytes of "
                + "train-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void alteredFileIsNamedWithBothChecksums(@TempDir Path dir) throws IOException {
        copyAllBut(dir, MnistFile.TRAIN_LABELS);
        byte[] raw = gunzip(SHIPPED.resolve("train-labels-idx1-ubyte.gz"));
        raw[100] = (byte) ((raw[100] + 1) % 10);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("train-labels-idx1-ubyte.gz")))) {
            out.write(raw);
        }
        DataFileException e = assertThrows(DataFileException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().contains("expected " + MnistFile.TRAIN_LABELS.sha256()), e.getMessage());
        assertTrue(e.getMessage().contains("was altered"), e.getMessage());
    }

    @Test
    void uncompressedFilesAreAccepted(@TempDir Path dir) throws IOException {
        for (MnistFile f : MnistFile.values()) {
            Files.write(dir.resolve(f.baseName()), gunzip(SHIPPED.resolve(f.baseName() + ".gz")));
        }
        Mnist raw = Mnist.load(dir);
        assertEquals(mnist.test().label(9_999), raw.test().label(9_999));
    }

    private static void copyAllBut(Path dir, MnistFile skipped) throws IOException {
        for (MnistFile f : MnistFile.values()) {
            if (f != skipped) {
                Files.copy(SHIPPED.resolve(f.baseName() + ".gz"), dir.resolve(f.baseName() + ".gz"));
            }
        }
    }

    private static byte[] gunzip(Path path) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(path))) {
            return in.readAllBytes();
        }
    }
}
