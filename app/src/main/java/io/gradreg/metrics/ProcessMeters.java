package io.gradreg.metrics;

import io.gradreg.bench.ProcessMemory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;

/**
 * Micrometer's JVM and process binders (jvm_memory_*, jvm_gc_*, jvm_threads_*, jvm_classes_*,
 * process_cpu_usage, system_cpu_*, process_files_*), bound with the job's labels so that a
 * dashboard can select them by execution whether they are scraped or pushed, plus the resident
 * memory of the process, which is what matters with libtorch's native allocations:
 *
 * <pre>
 *   gradreg_process_resident_memory_bytes   gauge   job labels   resident set size (VmRSS), Linux only
 * </pre>
 *
 * Micrometer's {@code process_start_time_seconds} is left out: the Pushgateway exports its own
 * series of that name with another help text and rejects pushes that disagree with it.
 */
public final class ProcessMeters implements MeterBinder, AutoCloseable {

    private final Tags tags;
    private JvmGcMetrics gc;

    public ProcessMeters(JobLabels job) {
        this.tags = job.tags();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        new JvmMemoryMetrics(tags).bindTo(registry);
        new JvmThreadMetrics(tags).bindTo(registry);
        new ClassLoaderMetrics(tags).bindTo(registry);
        new ProcessorMetrics(tags).bindTo(registry);
        new FileDescriptorMetrics(tags).bindTo(registry);
        gc = new JvmGcMetrics(tags);
        gc.bindTo(registry);
        Gauge.builder("gradreg.process.resident.memory", ProcessMeters::residentBytes).tags(tags).baseUnit("bytes")
                .description("Resident memory of the process (Java heap, libtorch and everything else)")
                .register(registry);
    }

    private static double residentBytes() {
        long bytes = ProcessMemory.residentBytes();
        return bytes < 0 ? Double.NaN : bytes;
    }

    @Override
    public void close() {
        if (gc != null) {
            gc.close();
        }
    }
}
