package io.gradreg.batch;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What SIGTERM (Kubernetes evicting a pod) and Ctrl-C do to a process that runs a job: JBeret is
 * asked to stop the execution (it ends STOPPED), every
 * training partition saves a checkpoint at its current minibatch and releases its claim, then the
 * last metrics are pushed, all within {@code gradreg.stop-seconds} (GRADREG_STOP_SECONDS, default
 * 20; Kubernetes' terminationGracePeriodSeconds must exceed it). The execution is then restartable
 * at once, from where it stopped, without waiting for a lease.
 */
@ApplicationScoped
public class GracefulStop {

    @ConfigProperty(name = "gradreg.stop-seconds", defaultValue = "20")
    int stopSeconds;

    private volatile boolean requested;
    private final AtomicInteger training = new AtomicInteger();
    private final List<Runnable> finally_ = new CopyOnWriteArrayList<>();
    private final List<Runnable> stopping = new CopyOnWriteArrayList<>();
    private boolean installed;

    /** Whether the process is stopping: partitions save and return. */
    public boolean requested() {
        return requested;
    }

    /** Runs {@code action} when the process stops, after the partitions have saved (e.g. a last metrics push). */
    public void onStop(Runnable action) {
        finally_.add(action);
    }

    /**
     * Handles SIGTERM and SIGINT, once per process, before a job starts: instead of the JVM's
     * immediate shutdown (whose hooks would close the embedded database under the partitions),
     * {@code stopping} runs first (it asks JBeret to stop the execution), the partitions save and
     * release, the {@link #onStop} actions run, and then the process exits (143 for SIGTERM, 130
     * for SIGINT). JVM shutdown hooks cannot do this: they run in parallel with H2's.
     */
    public synchronized void install(Runnable stopping) {
        this.stopping.add(stopping);
        if (installed) {
            return;
        }
        installed = true;
        for (String name : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> new Thread(() -> {
                    stop();
                    System.exit(128 + signal.getNumber());
                }, "gradreg-graceful-stop").start());
            } catch (IllegalArgumentException e) {
                // this platform has no such signal, or the JVM reserves it (-Xrs): the default applies
            }
        }
    }

    /** A partition starts training; {@link #finished()} when it returns, whatever happened. */
    void training() {
        training.incrementAndGet();
    }

    void finished() {
        synchronized (training) {
            training.decrementAndGet();
            training.notifyAll();
        }
    }

    private void stop() {
        requested = true;
        for (Runnable action : stopping) {
            try {
                action.run();
            } catch (RuntimeException e) {
                // the partitions stop on the flag anyway
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(stopSeconds);
        synchronized (training) {
            while (training.get() > 0 && System.nanoTime() < deadline) {
                try {
                    training.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        for (Runnable action : finally_) {
            try {
                action.run();
            } catch (RuntimeException e) {
                // the process is ending: nothing else can be done about it
            }
        }
    }
}
