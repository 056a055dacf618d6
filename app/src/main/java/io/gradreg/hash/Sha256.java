package io.gradreg.hash;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 in lower-case hex, the one way gradreg writes a digest: experiment fingerprints, plan ids,
 * subset and checkpoint checksums, MNIST file checks, job XML checksums. Text is hashed as UTF-8.
 *
 * <p>The static methods hash one value; an instance hashes a sequence of parts, as
 * {@link MessageDigest#update} does, and {@link #hex()} ends it.
 */
public final class Sha256 {

    private final MessageDigest digest;

    private Sha256() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** A digest to feed part by part. */
    public static Sha256 start() {
        return new Sha256();
    }

    /** SHA-256 of {@code data}, in hex. */
    public static String hex(byte[] data) {
        return start().update(data).hex();
    }

    /** SHA-256 of {@code text} as UTF-8, in hex. */
    public static String hex(String text) {
        return start().update(text).hex();
    }

    /** SHA-256 of what {@code in} holds to its end, in hex; the stream is read, not closed. */
    public static String hex(InputStream in) throws IOException {
        Sha256 sha = start();
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            sha.digest.update(buffer, 0, n);
        }
        return sha.hex();
    }

    public Sha256 update(byte[] data) {
        digest.update(data);
        return this;
    }

    public Sha256 update(byte b) {
        digest.update(b);
        return this;
    }

    /** The buffer's remaining bytes. */
    public Sha256 update(ByteBuffer data) {
        digest.update(data);
        return this;
    }

    /** {@code text} as UTF-8. */
    public Sha256 update(String text) {
        return update(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The digest of everything given, in hex; this digest is then empty again. */
    public String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
