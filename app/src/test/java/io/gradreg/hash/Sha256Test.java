package io.gradreg.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Sha256Test {

    /** FIPS 180-2, appendix B.1. */
    static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void knownDigests() {
        assertEquals(ABC, Sha256.hex("abc"));
        assertEquals(ABC, Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(EMPTY, Sha256.hex(new byte[0]));
    }

    @Test
    void partsHashAsTheirConcatenation() {
        assertEquals(ABC, Sha256.start().update("a").update((byte) 'b').update(ByteBuffer.wrap(new byte[] {'c'})).hex());
    }

    @Test
    void textIsHashedAsUtf8() {
        assertEquals(Sha256.hex("é√".getBytes(StandardCharsets.UTF_8)), Sha256.hex("é√"));
    }

    @Test
    void streamsAreHashedToTheirEnd() throws IOException {
        assertEquals(ABC, Sha256.hex(new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII))));
        byte[] large = new byte[200_000]; // more than one buffer
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        assertEquals(Sha256.hex(large), Sha256.hex(new ByteArrayInputStream(large)));
    }
}
