package io.gradreg.regularizer;

import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerException;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The regularizers found through {@link ServiceLoader}, keyed by name. Built-ins are found the
 * same way as plugins. Two providers with one name are refused, naming both.
 */
public final class Regularizers {

    /** A provider and where it was loaded from (a jar file name, or "built in"). */
    public record Entry(RegularizerProvider provider, String origin) {
    }

    private final Map<String, Entry> byName;

    private Regularizers(Map<String, Entry> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** Loads every provider visible to {@code loader}. */
    public static Regularizers load(ClassLoader loader) {
        Map<String, Entry> byName = new TreeMap<>();
        ServiceLoader<RegularizerProvider> services = ServiceLoader.load(RegularizerProvider.class, loader);
        var iterator = services.iterator();
        while (true) {
            RegularizerProvider provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            } catch (ServiceConfigurationError e) {
                throw new RegularizerException("a regularizer provider could not be loaded: " + e.getMessage(), e);
            }
            String origin = originOf(provider.getClass());
            Entry previous = byName.put(provider.name(), new Entry(provider, origin));
            if (previous != null) {
                throw new RegularizerException("two regularizers are named '" + provider.name() + "': "
                        + previous.provider().getClass().getName() + " (" + previous.origin() + ") and "
                        + provider.getClass().getName() + " (" + origin + "); remove one of them");
            }
        }
        return new Regularizers(byName);
    }

    /** Providers on the application's class path. */
    public static Regularizers builtIn() {
        return load(Regularizers.class.getClassLoader());
    }

    public List<Entry> all() {
        return new ArrayList<>(byName.values());
    }

    public RegularizerProvider get(String name) {
        Entry entry = byName.get(name);
        if (entry == null) {
            throw new RegularizerException("unknown regularizer '" + name + "'; known: " + String.join(", ", byName.keySet()));
        }
        return entry.provider();
    }

    /** Creates the regularizer {@code name} with {@code parameters}, validated against its spec. */
    public Regularizer create(String name, Map<String, String> parameters) {
        RegularizerProvider provider = get(name);
        RegularizerParameters validated = RegularizerParameters.of(provider, parameters);
        try {
            return provider.create(validated);
        } catch (RegularizerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RegularizerException("regularizer '" + name + "' (" + provider.getClass().getName()
                    + ") failed to start: " + e, e);
        }
    }

    private static String originOf(Class<?> type) {
        if (type.getClassLoader() == Regularizers.class.getClassLoader()) {
            return "built in";
        }
        var source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return "unknown";
        }
        String path = source.getLocation().getPath();
        return path.substring(path.lastIndexOf('/', path.length() - 2) + 1);
    }
}
