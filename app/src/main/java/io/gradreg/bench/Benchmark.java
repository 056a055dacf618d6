package io.gradreg.bench;

import ai.djl.ndarray.NDManager;
import io.gradreg.data.Mnist;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.training.TrainingConfig;
import io.gradreg.training.Penalty;
import io.gradreg.training.TorchEngine;
import io.gradreg.training.TrainingLoop;
import io.gradreg.training.TrainingRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Measures training speed and memory. Speed: after a warm-up, several windows of minibatches are
 * timed and the median window gives milliseconds per minibatch (the median is robust to a noisy
 * machine). Memory: one long run with resident memory sampled along the way.
 */
public final class Benchmark {

    /** Milliseconds per minibatch of one regularizer. */
    public record Speed(String regularizer, String architecture, double medianMillis, double minMillis,
            double maxMillis, int windows, int minibatchesPerWindow) {
    }

    /**
     * Memory after {@code minibatches} minibatches of one run: the process's resident set and the
     * JVM heap's committed size (resident once touched; it grows until the collector settles on a
     * working size, which is not a leak).
     */
    public record MemorySample(int minibatches, long residentBytes, long heapCommittedBytes) {
    }

    /**
     * Whole runs per hour when {@code partitions} runs train at once, each on its own thread with
     * one intra-op thread, as the batch job's partitions do.
     */
    public record Throughput(String regularizer, int partitions, int runs, int minibatchesPerRun, double seconds) {
        public double runsPerHour() {
            return runs * 3600.0 / seconds;
        }
    }

    private final Mnist mnist;
    private final Regularizers regularizers;
    private final TorchEngine torch;

    /** @param torch the started engine; the throughput pool's threads use its thread count */
    public Benchmark(Mnist mnist, Regularizers regularizers, TorchEngine torch) {
        this.mnist = mnist;
        this.regularizers = regularizers;
        this.torch = torch;
    }

    public Speed speed(TrainingConfig config, int warmup, int windows, int perWindow) {
        TrainingConfig sized = config.toBuilder().minibatches(warmup + windows * perWindow).build();
        double[] millis = new double[windows];
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(sized, mnist, penalty(sized), manager)) {
            for (int i = 0; i < warmup; i++) {
                run.step();
            }
            for (int w = 0; w < windows; w++) {
                long start = System.nanoTime();
                for (int i = 0; i < perWindow; i++) {
                    run.step();
                }
                millis[w] = (System.nanoTime() - start) / 1e6 / perWindow;
            }
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        double median = windows % 2 == 1 ? sorted[windows / 2] : (sorted[windows / 2 - 1] + sorted[windows / 2]) / 2;
        return new Speed(config.regularizer(), config.architecture().id(), median, sorted[0], sorted[windows - 1],
                windows, perWindow);
    }

    /**
     * Trains {@code runs} runs of {@code config} (seeds seed, seed+1, ...) on {@code partitions}
     * threads and times the whole batch, subset draws and model set-up included.
     */
    public Throughput throughput(TrainingConfig config, int runs, int partitions) {
        ExecutorService pool = Executors.newFixedThreadPool(partitions, torch.threadFactory("gradreg-bench"));
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                TrainingConfig run = config.toBuilder().seed(config.seed() + i).build();
                done.add(pool.submit(() -> {
                    try (NDManager manager = NDManager.newBaseManager();
                            TrainingRun training = new TrainingRun(run, mnist, penalty(run), manager)) {
                        TrainingLoop.fit(training);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return new Throughput(config.regularizer(), partitions, runs, config.minibatches(),
                    (System.nanoTime() - start) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Trains {@code config} and samples resident memory every {@code every} minibatches. */
    public void memory(TrainingConfig config, int every, Consumer<MemorySample> sink) {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingRun run = new TrainingRun(config, mnist, penalty(config), manager)) {
            TrainingLoop.fit(run, p -> {
                if (p.minibatch() % every == 0 || p.last()) {
                    sink.accept(new MemorySample(p.minibatch(), ProcessMemory.residentBytes(),
                            Runtime.getRuntime().totalMemory()));
                }
            });
        }
    }

    private Penalty penalty(TrainingConfig config) {
        return new Penalty(regularizers.label(config.regularizer()),
                regularizers.create(config.regularizer(), config.regularizerParameters()));
    }
}
