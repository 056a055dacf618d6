package io.gradreg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Resident memory and memory allocator of this process, from {@code /proc/self} (Linux). */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path MAPS = Path.of("/proc/self/maps");

    private ProcessMemory() {
    }

    /** Current resident set size in bytes, or -1 where /proc is unavailable. */
    public static long residentBytes() {
        return field("VmRSS:");
    }

    /** Peak resident set size in bytes, or -1 where /proc is unavailable. */
    public static long peakResidentBytes() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The malloc that libtorch gets its tensors from, for benchmark headers: "tcmalloc" or
     * "jemalloc" when one is loaded (LD_PRELOAD), else "glibc" with its tuning variables.
     */
    public static String allocator() {
        List<String> maps;
        try {
            maps = Files.readAllLines(MAPS);
        } catch (IOException e) {
            maps = List.of();
        }
        return allocator(maps, System.getenv());
    }

    static String allocator(List<String> maps, Map<String, String> environment) {
        for (String name : List.of("tcmalloc", "jemalloc")) {
            if (maps.stream().anyMatch(line -> line.contains("/lib" + name))) {
                return name;
            }
        }
        String tuning = Stream.of("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")
                .filter(environment::containsKey)
                .map(variable -> variable + "=" + environment.get(variable))
                .collect(Collectors.joining(", "));
        return tuning.isEmpty() ? "glibc defaults" : "glibc (" + tuning + ")";
    }
}
