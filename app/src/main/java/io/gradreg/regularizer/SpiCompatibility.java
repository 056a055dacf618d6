package io.gradreg.regularizer;

import io.gradreg.spi.RegularizerException;
import io.gradreg.spi.SpiVersion;

/**
 * Whether a provider class was built for an SPI this gradreg provides: same major version, minor
 * version at most ours (see {@link SpiVersion}). Read from the class's annotation before the
 * provider is instantiated, so an incompatible plugin never runs any code.
 */
final class SpiCompatibility {

    private SpiCompatibility() {
    }

    /** Refuses {@code type} (loaded from {@code source}, e.g. "plugin jar x.jar") unless compatible. */
    static void check(Class<?> type, String source) {
        SpiVersion declared = type.getAnnotation(SpiVersion.class);
        String current = SpiVersion.CURRENT;
        if (declared == null) {
            throw new RegularizerException(source + ": provider " + type.getName() + " does not declare the SPI "
                    + "version it was built for; annotate it with @SpiVersion(SpiVersion.CURRENT) and rebuild it against "
                    + "io.gradreg:gradreg-spi (SPI " + current + ")");
        }
        int[] built = parse(declared.value());
        int[] ours = parse(current);
        if (built == null || built[0] != ours[0] || built[1] > ours[1]) {
            throw new RegularizerException(source + ": provider " + type.getName() + " was built for gradreg SPI "
                    + declared.value() + ", but this gradreg provides SPI " + current + " (it loads plugins built for "
                    + ours[0] + ".0 to " + current + "); rebuild the plugin against the gradreg-spi of this gradreg");
        }
    }

    /** {major, minor}, or null if {@code version} is not "MAJOR.MINOR". */
    private static int[] parse(String version) {
        String[] parts = version.trim().split("\\.");
        if (parts.length != 2) {
            return null;
        }
        try {
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
