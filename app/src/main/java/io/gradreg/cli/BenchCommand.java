package io.gradreg.cli;

import io.gradreg.bench.Benchmark;
import io.gradreg.bench.ProcessMemory;
import io.gradreg.batch.Workspace;
import io.gradreg.data.Mnist;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.training.TrainingConfig;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Milliseconds per minibatch of each regularizer (median of timed windows after a warm-up)",
            "and the process's peak resident memory; with --memory-minibatches, resident memory along one long run.",
            "Output is tab-separated, one row per measurement, to compare between commits."})
class BenchCommand implements Callable<Integer> {

    @Option(names = {"-r", "--regularizers"}, split = ",", defaultValue = "none,cp,doubleback,spectreg,jacreg,frobreg",
            description = "regularizers to time (default: ${DEFAULT-VALUE})")
    List<String> regularizers;

    @Option(names = {"-a", "--architecture"}, defaultValue = "baseline", description = "LeNet-5 variant (default: ${DEFAULT-VALUE})")
    String architecture;

    @Option(names = {"-w", "--weight"}, defaultValue = "0.01",
            description = "penalty weight; non-zero so the penalty is differentiated (default: ${DEFAULT-VALUE})")
    double weight;

    @Option(names = "--warmup", defaultValue = "30", description = "untimed minibatches first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--windows", defaultValue = "5", description = "timed windows (default: ${DEFAULT-VALUE})")
    int windows;

    @Option(names = "--window", defaultValue = "40", description = "minibatches per window (default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--throughput-runs", defaultValue = "0",
            description = "also time this many whole runs with 1 partition, then with --partitions in parallel")
    int throughputRuns;

    @Option(names = "--throughput-minibatches", defaultValue = "300",
            description = "minibatches per run of the throughput measurement (default: ${DEFAULT-VALUE})")
    int throughputMinibatches;

    @Option(names = "--throughput-regularizer", defaultValue = "spectreg", description = "(default: ${DEFAULT-VALUE})")
    String throughputRegularizer;

    @Option(names = "--partitions", defaultValue = "2",
            description = "parallel runs of the throughput measurement (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--memory-minibatches", defaultValue = "0",
            description = "also train this many minibatches with --memory-regularizer and sample resident memory")
    int memoryMinibatches;

    @Option(names = "--memory-regularizer", defaultValue = "doubleback", description = "(default: ${DEFAULT-VALUE})")
    String memoryRegularizer;

    @Option(names = "--memory-every", defaultValue = "1000", description = "sampling interval (default: ${DEFAULT-VALUE})")
    int memoryEvery;

    @Mixin
    EngineOptions engine;

    @Inject
    Workspace workspace;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Regularizers found = workspace.regularizers();
        regularizers.forEach(found::get);
        if (throughputRuns > 0) {
            found.get(throughputRegularizer);
            if (partitions < 1 || throughputMinibatches < 1) {
                throw new IllegalArgumentException("--partitions and --throughput-minibatches must be at least 1");
            }
        }
        Mnist mnist = engine.loadData();
        Benchmark benchmark = new Benchmark(mnist, found, engine.torch());
        out.printf("# gradreg bench: LeNet-5 %s, batch 50, %d intra-op thread(s), %d cores, java %s, malloc %s%n",
                architecture, engine.threads, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), ProcessMemory.allocator());
        out.println("kind\tregularizer\tarchitecture\tms_per_minibatch_median\tms_min\tms_max\twindows\tminibatches_per_window");
        TrainingConfig base = TrainingConfig.builder()
                .architecture(io.gradreg.model.Architecture.parse(architecture)).weight(weight).seed(1).build();
        for (String name : regularizers) {
            Benchmark.Speed s = benchmark.speed(base.toBuilder().regularizer(name).build(), warmup, windows, window);
            out.printf(Locale.ROOT, "speed\t%s\t%s\t%.2f\t%.2f\t%.2f\t%d\t%d%n", s.regularizer(), s.architecture(),
                    s.medianMillis(), s.minMillis(), s.maxMillis(), s.windows(), s.minibatchesPerWindow());
            out.flush();
        }
        if (throughputRuns > 0) {
            out.println("kind\tregularizer\tpartitions\truns\tminibatches_per_run\tseconds\truns_per_hour");
            TrainingConfig config = base.toBuilder().regularizer(throughputRegularizer).minibatches(throughputMinibatches)
                    .build();
            // untimed: class loading, JIT compilation and oneDNN's kernel generation would fall on the first timing
            benchmark.throughput(config.toBuilder().minibatches(Math.min(20, throughputMinibatches)).build(),
                    Math.max(partitions, 1), Math.max(partitions, 1));
            Benchmark.Throughput one = benchmark.throughput(config, throughputRuns, 1);
            printThroughput(out, one);
            if (partitions > 1) {
                Benchmark.Throughput many = benchmark.throughput(config, throughputRuns, partitions);
                printThroughput(out, many);
                out.printf(Locale.ROOT, "# runs per hour with %d partitions / with 1: %.2f%n", partitions,
                        many.runsPerHour() / one.runsPerHour());
            }
        }
        if (memoryMinibatches > 0) {
            out.println("kind\tregularizer\tminibatches\tresident_mib\theap_committed_mib");
            List<Benchmark.MemorySample> samples = new ArrayList<>();
            benchmark.memory(base.toBuilder().regularizer(memoryRegularizer).minibatches(memoryMinibatches).build(),
                    memoryEvery, sample -> {
                        samples.add(sample);
                        out.printf(Locale.ROOT, "memory\t%s\t%d\t%.1f\t%.1f%n", memoryRegularizer,
                                sample.minibatches(), sample.residentBytes() / 1048576.0,
                                sample.heapCommittedBytes() / 1048576.0);
                        out.flush();
                    });
            if (samples.size() >= 2) {
                double ratio = (double) samples.get(samples.size() - 1).residentBytes() / samples.get(0).residentBytes();
                out.printf(Locale.ROOT, "# resident memory at %d minibatches / at %d: %.3f%n",
                        samples.get(samples.size() - 1).minibatches(), samples.get(0).minibatches(), ratio);
            }
        }
        out.printf(Locale.ROOT, "# peak resident memory %.1f MiB%n", ProcessMemory.peakResidentBytes() / 1048576.0);
        out.flush();
        return 0;
    }

    private static void printThroughput(PrintWriter out, Benchmark.Throughput t) {
        out.printf(Locale.ROOT, "throughput\t%s\t%d\t%d\t%d\t%.1f\t%.1f%n", t.regularizer(), t.partitions(), t.runs(),
                t.minibatchesPerRun(), t.seconds(), t.runsPerHour());
        out.flush();
    }
}
