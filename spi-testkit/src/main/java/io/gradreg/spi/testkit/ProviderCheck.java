package io.gradreg.spi.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import io.gradreg.spi.RegularizerProvider;
import io.gradreg.spi.SpiVersion;
import java.util.List;
import java.util.ServiceLoader;

/** What gradreg checks when it loads a plugin jar, checked on the test class path instead. */
public final class ProviderCheck {

    private ProviderCheck() {
    }

    /**
     * {@code type} carries {@code @SpiVersion(SpiVersion.CURRENT)}, {@code ServiceLoader} finds it
     * (it is listed in {@code META-INF/services/io.gradreg.spi.RegularizerProvider}), and its name is
     * one gradreg accepts.
     */
    public static void assertRegistered(Class<? extends RegularizerProvider> type) {
        SpiVersion version = type.getAnnotation(SpiVersion.class);
        if (version == null || !version.value().equals(SpiVersion.CURRENT)) {
            fail(type.getName() + " must be annotated @SpiVersion(SpiVersion.CURRENT) (SPI " + SpiVersion.CURRENT
                    + "), or gradreg refuses to load it; found " + (version == null ? "none" : version.value()));
        }
        List<RegularizerProvider> found = ServiceLoader.load(RegularizerProvider.class).stream()
                .filter(p -> p.type() == type).map(ServiceLoader.Provider::get).toList();
        if (found.isEmpty()) {
            fail(type.getName() + " is not registered: list it in src/main/resources/META-INF/services/"
                    + RegularizerProvider.class.getName() + " (one class name per line), or gradreg will not find it");
        }
        String name = found.get(0).name();
        if (name == null || !name.matches("[a-z][a-z0-9_-]*")) {
            fail(type.getName() + " has the invalid name '" + name + "'; a regularizer's name is a lower-case letter, "
                    + "then lower-case letters, digits, '-' or '_'");
        }
    }
}
