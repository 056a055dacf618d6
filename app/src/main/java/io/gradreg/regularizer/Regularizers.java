package io.gradreg.regularizer;

import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerException;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Every regularizer, keyed by name: the providers on the application's class path (the built-ins,
 * and plugins compiled in) and those of the plugin jars of a plugin directory, all found through
 * {@link ServiceLoader} and held to the same rules: a valid name, an {@code @SpiVersion} this gradreg
 * supports, a provider that can be created. Two providers with one name are refused, naming both.
 * Any of these problems stops the loading with one message naming the jar and the fix.
 */
public final class Regularizers {

    /** Origin of the providers that ship inside gradreg. */
    public static final String BUILT_IN = "built-in";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");

    /** A provider and where it was loaded from: {@link #BUILT_IN}, or a jar's file name. */
    public record Entry(RegularizerProvider provider, String origin) {
    }

    private final Map<String, Entry> byName;

    private Regularizers(Map<String, Entry> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** The providers on the application's class path and those in the jars of {@code pluginsDir}. */
    public static Regularizers load(Path pluginsDir) {
        ClassLoader app = Regularizers.class.getClassLoader();
        Map<String, Entry> byName = new TreeMap<>();
        addAll(byName, app, "the class path", type -> true, Regularizers::classPathOrigin);
        for (PluginJars.PluginJar jar : PluginJars.open(pluginsDir, app)) {
            // The jar's ServiceLoader also sees the application's providers, through its parent; and
            // a class the jar holds that is on the class path as well (a plugin both compiled in and
            // in the plugin directory) is loaded from the class path, parent first.
            int found = addAll(byName, jar.loader(), jar.source(), type -> {
                if (type.getClassLoader() == jar.loader()) {
                    return true;
                }
                if (jar.contains(type)) {
                    Entry loaded = byName.values().stream().filter(e -> e.provider().getClass() == type).findFirst()
                            .orElseThrow();
                    throw duplicate(loaded.provider().name(), loaded, type, jar.fileName());
                }
                return false;
            }, type -> jar.fileName());
            if (found == 0) {
                throw new RegularizerException(jar.source() + " declares no regularizer provider: list its provider "
                        + "class in META-INF/services/" + RegularizerProvider.class.getName()
                        + " inside the jar, or remove the jar from " + pluginsDir);
            }
        }
        return new Regularizers(byName);
    }

    /** The providers visible to {@code loader} (for tests). */
    static Regularizers load(ClassLoader loader) {
        Map<String, Entry> byName = new TreeMap<>();
        addAll(byName, loader, "the class path", type -> true, Regularizers::classPathOrigin);
        return new Regularizers(byName);
    }

    /** Providers on the application's class path only. */
    public static Regularizers builtIn() {
        return load((Path) null);
    }

    /** Adds, checked, the providers {@code loader} finds whose class is {@code own}; returns how many. */
    private static int addAll(Map<String, Entry> byName, ClassLoader loader, String source, Predicate<Class<?>> own,
            Function<Class<?>, String> origin) {
        int added = 0;
        var providers = ServiceLoader.load(RegularizerProvider.class, loader).stream().iterator();
        while (true) {
            ServiceLoader.Provider<RegularizerProvider> found;
            try {
                if (!providers.hasNext()) {
                    return added;
                }
                found = providers.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                throw new RegularizerException(source + ": cannot load a regularizer provider: " + describe(e), e);
            }
            Class<? extends RegularizerProvider> type = found.type();
            if (!own.test(type)) {
                continue;
            }
            SpiCompatibility.check(type, source);
            RegularizerProvider provider;
            String name;
            try {
                provider = found.get();
                name = provider.name();
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                Throwable cause = e instanceof ServiceConfigurationError && e.getCause() != null ? e.getCause() : e;
                throw new RegularizerException(source + ": provider " + type.getName() + " could not be created: "
                        + cause, e);
            }
            if (name == null || !NAME.matcher(name).matches()) {
                throw new RegularizerException(source + ": provider " + type.getName() + " has the invalid name '"
                        + name + "'; a name is a lower-case letter followed by lower-case letters, digits, '-' or '_'");
            }
            Entry entry = new Entry(provider, origin.apply(type));
            Entry previous = byName.putIfAbsent(name, entry);
            if (previous != null) {
                throw duplicate(name, previous, type, entry.origin());
            }
            added++;
        }
    }

    private static RegularizerException duplicate(String name, Entry first, Class<?> second, String secondOrigin) {
        return new RegularizerException("two regularizers are named '" + name + "': "
                + first.provider().getClass().getName() + " (" + first.origin() + ") and " + second.getName() + " ("
                + secondOrigin + "); remove one of them");
    }

    private static String describe(Throwable e) {
        return e.getCause() == null ? e.getMessage() : e.getMessage() + ": " + e.getCause();
    }

    public List<Entry> all() {
        return new ArrayList<>(byName.values());
    }

    public RegularizerProvider get(String name) {
        return entry(name).provider();
    }

    public Entry entry(String name) {
        Entry entry = byName.get(name);
        if (entry == null) {
            throw new RegularizerException("unknown regularizer '" + name + "'; known: " + String.join(", ", byName.keySet()));
        }
        return entry;
    }

    /** "'name' (origin)": how messages name a regularizer, so a failing plugin is identified. */
    public String label(String name) {
        Entry entry = byName.get(name);
        return "'" + name + "'" + (entry == null ? "" : " (" + entry.origin() + ")");
    }

    /** Creates the regularizer {@code name} with {@code parameters}, validated against its spec. */
    public Regularizer create(String name, Map<String, String> parameters) {
        RegularizerProvider provider = get(name);
        RegularizerParameters validated = RegularizerParameters.of(provider, parameters);
        try {
            return provider.create(validated);
        } catch (RegularizerException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new RegularizerException("regularizer " + label(name) + " failed to start: " + e, e);
        }
    }

    /**
     * Providers in gradreg's own jar are built in (also when the code source is unknown, as in a
     * native executable); others on the class path are plugins compiled in, named by their jar.
     */
    private static String classPathOrigin(Class<?> type) {
        var own = Regularizers.class.getProtectionDomain().getCodeSource();
        var source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null || own == null
                || source.getLocation().equals(own.getLocation())) {
            return BUILT_IN;
        }
        String path = source.getLocation().getPath();
        return path.substring(path.lastIndexOf('/', path.length() - 2) + 1).replaceAll("/$", "");
    }
}
