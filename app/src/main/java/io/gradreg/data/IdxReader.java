package io.gradreg.data;

import io.gradreg.hash.Sha256;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads one MNIST IDX file, gzipped ({@code name.gz}) or raw ({@code name}), and verifies the
 * SHA-256 of its decompressed content before anything is parsed.
 */
final class IdxReader {

    private IdxReader() {
    }

    /** Finds {@code file} in {@code dir} (gzipped preferred) and returns its verified content. */
    static ByteBuffer read(Path dir, MnistFile file) {
        Path gz = dir.resolve(file.baseName() + ".gz");
        Path raw = dir.resolve(file.baseName());
        Path path = Files.isRegularFile(gz) ? gz : raw;
        if (!Files.isRegularFile(path)) {
            throw new DataFileException("MNIST file missing: expected " + gz + " (or " + raw.getFileName()
                    + " uncompressed) in " + dir.toAbsolutePath()
                    + "; point --data-dir (gradreg.data-dir) at a directory holding the four MNIST IDX files");
        }
        byte[] content = decompress(path, file);
        verify(path, file, content);
        ByteBuffer buffer = ByteBuffer.wrap(content);
        int magic = buffer.getInt();
        int count = buffer.getInt();
        if (magic != file.magic() || count != file.count()) {
            // Unreachable when the checksum matched; kept so a changed checksum table fails loudly.
            throw new DataFileException(path + ": IDX header says magic " + magic + ", " + count
                    + " items; expected magic " + file.magic() + ", " + file.count() + " items");
        }
        if (file.magic() == 2051) {
            buffer.getInt();
            buffer.getInt();
        }
        return buffer.slice();
    }

    private static byte[] decompress(Path path, MnistFile file) {
        boolean gzipped = path.getFileName().toString().endsWith(".gz");
        try (InputStream in = open(path, gzipped)) {
            // never more than one byte past the expected size: a huge file or a gzip bomb is refused
            // after reading what MNIST would have, not after filling the memory
            byte[] content = in.readNBytes(Math.toIntExact(file.expectedBytes() + 1));
            if (content.length > file.expectedBytes()) {
                throw new DataFileException(path + " holds more than the " + file.expectedBytes() + " bytes of "
                        + file.baseName() + " (" + file.count() + " items); it is not the original MNIST file. "
                        + "Replace it with the original.");
            }
            return content;
        } catch (NoSuchFileException e) {
            throw new DataFileException("MNIST file missing: " + path, e);
        } catch (EOFException e) {
            throw new DataFileException(path + " is truncated: the gzip stream ends early; expected "
                    + file.expectedBytes() + " bytes of " + file.baseName() + ". Copy the file again.", e);
        } catch (ZipException e) {
            throw new DataFileException(path + " is not a valid gzip file (" + e.getMessage()
                    + "); expected the gzipped " + file.baseName() + ". Copy the file again.", e);
        } catch (IOException e) {
            throw new DataFileException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static InputStream open(Path path, boolean gzipped) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        return gzipped ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static void verify(Path path, MnistFile file, byte[] content) {
        if (content.length != file.expectedBytes()) {
            throw new DataFileException(path + " has " + content.length + " bytes of IDX content; expected "
                    + file.expectedBytes() + " for " + file.baseName() + " (" + file.count()
                    + " items). The file is truncated or not the original MNIST file.");
        }
        String actual = Sha256.hex(content);
        if (!actual.equals(file.sha256())) {
            throw new DataFileException(path + " has SHA-256 " + actual + " (decompressed); expected "
                    + file.sha256() + " for " + file.baseName()
                    + ". The file was altered; replace it with the original MNIST file.");
        }
    }
}
