package io.gradreg.regularizer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gradreg.spi.RegularizerException;
import io.gradreg.spi.SpiVersion;
import org.junit.jupiter.api.Test;

/** A provider built for SPI M.n loads in a gradreg with SPI M.m when n <= m (here M.m = 1.3). */
class SpiCompatibilityTest {

    @SpiVersion("1.0")
    static final class SameVersion {
    }

    @SpiVersion("1.4")
    static final class NewerMinor {
    }

    @SpiVersion("0.9")
    static final class OlderMajor {
    }

    @SpiVersion("one")
    static final class Malformed {
    }

    @Test
    void currentVersionIsOneThree() {
        assertEquals("1.3", SpiVersion.CURRENT);
    }

    @Test
    void sameVersionLoads() {
        assertDoesNotThrow(() -> SpiCompatibility.check(SameVersion.class, "plugin jar same.jar"));
    }

    @Test
    void aNewerMinorVersionIsRefused() {
        RegularizerException e = assertThrows(RegularizerException.class,
                () -> SpiCompatibility.check(NewerMinor.class, "plugin jar newer.jar"));
        assertEquals("plugin jar newer.jar: provider " + NewerMinor.class.getName() + " was built for gradreg SPI 1.4, "
                + "but this gradreg provides SPI 1.3 (it loads plugins built for 1.0 to 1.3); rebuild the plugin "
                + "against the gradreg-spi of this gradreg", e.getMessage());
    }

    @Test
    void anotherMajorVersionOrAMalformedOneIsRefused() {
        assertThrows(RegularizerException.class, () -> SpiCompatibility.check(OlderMajor.class, "plugin jar old.jar"));
        assertThrows(RegularizerException.class, () -> SpiCompatibility.check(Malformed.class, "plugin jar bad.jar"));
    }
}
