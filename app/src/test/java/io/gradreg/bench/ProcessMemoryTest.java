package io.gradreg.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {

    private static final String LIBC = "7f2a1c000000-7f2a1c028000 r--p 00000000 fe:01 1234 /usr/lib/x86_64-linux-gnu/libc.so.6";

    @Test
    void aPreloadedAllocatorIsNamed() {
        String tcmalloc = "7f2a1d000000-7f2a1d010000 r-xp 00000000 fe:01 99 "
                + "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4.5.10";
        assertEquals("tcmalloc", ProcessMemory.allocator(List.of(LIBC, tcmalloc), Map.of()));
        String jemalloc = "7f2a1d000000-7f2a1d010000 r-xp 00000000 fe:01 98 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
        assertEquals("jemalloc", ProcessMemory.allocator(List.of(LIBC, jemalloc), Map.of()));
    }

    @Test
    void glibcShowsItsTuning() {
        assertEquals("glibc defaults", ProcessMemory.allocator(List.of(LIBC), Map.of("HOME", "/root")));
        assertEquals("glibc (MALLOC_MMAP_THRESHOLD_=33554432, MALLOC_TRIM_THRESHOLD_=1073741824)",
                ProcessMemory.allocator(List.of(LIBC),
                        Map.of("MALLOC_TRIM_THRESHOLD_", "1073741824", "MALLOC_MMAP_THRESHOLD_", "33554432")));
    }

    @Test
    void thisProcessHasOne() {
        assertTrue(ProcessMemory.allocator().matches("tcmalloc|jemalloc|glibc.*"), ProcessMemory.allocator());
    }
}
