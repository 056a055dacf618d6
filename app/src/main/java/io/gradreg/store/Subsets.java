package io.gradreg.store;

import io.gradreg.hash.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.Optional;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * Table {@code gradreg_subset}: each training subset as drawn by the sample step, keyed by (job
 * instance, size, seed), compressed, with the SHA-256 of its indices, checked on every read.
 */
public final class Subsets {

    private final Jdbc jdbc;

    Subsets(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the subset of (size, seed) unless already recorded; returns what is recorded. */
    public int[] record(long instanceId, String trainSize, long seed, int[] indices) {
        jdbc.insertIfAbsent("record subset " + trainSize + " seed " + seed, "INSERT INTO gradreg_subset (instance_id, "
                + "train_size, seed, size_count, sha256, indices) VALUES (?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, trainSize);
                    ps.setLong(3, seed);
                    ps.setInt(4, indices.length);
                    ps.setString(5, checksum(indices));
                    ps.setBytes(6, compress(indices));
                });
        return get(instanceId, trainSize, seed).orElseThrow();
    }

    public Optional<int[]> get(long instanceId, String trainSize, long seed) {
        return jdbc.queryOne("read subset " + trainSize + " seed " + seed, "SELECT indices, sha256 FROM gradreg_subset "
                + "WHERE instance_id = ? AND train_size = ? AND seed = ?", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, trainSize);
                    ps.setLong(3, seed);
                }, rs -> {
                    int[] indices = decompress(rs.getBytes(1));
                    if (!checksum(indices).equals(rs.getString(2))) {
                        throw new SQLException("recorded subset " + trainSize + " seed " + seed + " fails its checksum");
                    }
                    return indices;
                });
    }

    /** SHA-256 of the subset recorded for (size, seed), if one is. */
    public Optional<String> checksum(long instanceId, String trainSize, long seed) {
        return jdbc.queryOne("read the checksum of subset " + trainSize + " seed " + seed, "SELECT sha256 FROM "
                + "gradreg_subset WHERE instance_id = ? AND train_size = ? AND seed = ?", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, trainSize);
                    ps.setLong(3, seed);
                }, rs -> rs.getString(1));
    }

    /** The checksum gradreg records for a subset: SHA-256 of its indices as big-endian 32-bit integers. */
    public static String checksum(int[] indices) {
        return Sha256.hex(bytes(indices));
    }


    private static byte[] bytes(int[] indices) {
        ByteBuffer bytes = ByteBuffer.allocate(indices.length * 4);
        bytes.asIntBuffer().put(indices);
        return bytes.array();
    }

    private static byte[] compress(int[] indices) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(out)) {
            deflate.write(bytes(indices));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int[] decompress(byte[] data) {
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(data))) {
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes());
            int[] indices = new int[bytes.remaining() / 4];
            bytes.asIntBuffer().get(indices);
            return indices;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
