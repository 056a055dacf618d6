package io.gradreg.training;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Running out of memory, told apart from a run that failed: the Java heap ({@link OutOfMemoryError})
 * or libtorch's allocator (DJL's engine exception "DefaultCPUAllocator: not enough memory",
 * {@code std::bad_alloc}). A run that hit it is not a result (with more memory it trains), so it is
 * never recorded FAILED; the process remembers the first such failure here and exits with the
 * memory code (docs/operations.md, "Failure behaviour"). The JVM flag -XX:+ExitOnOutOfMemoryError, set by the
 * image and bin/gradreg, ends the process on a heap exhaustion before any of this runs, with the
 * same code.
 */
public final class MemoryExhaustion {

    private static final AtomicReference<String> FIRST = new AtomicReference<>();

    private MemoryExhaustion() {
    }

    /** Whether {@code e} or one of its causes is memory running out. */
    public static boolean in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t.getClass().getName().startsWith("ai.djl.") && (message.contains("not enough memory")
                    || message.contains("out of memory") || message.contains("bad_alloc"))) {
                return true;
            }
        }
        return false;
    }

    /** Remembers {@code e} (the first one only) as the reason this process ran out of memory. */
    public static void record(Throwable e) {
        FIRST.compareAndSet(null, e.getMessage() == null ? e.toString() : e.getMessage());
    }

    /** The first recorded exhaustion's message, or null if memory never ran out. */
    public static String recorded() {
        return FIRST.get();
    }
}
