package io.gradreg.batch;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
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
 *
 * <p>Two threads end such a process: the signal's, which stops the work, and the command's (the
 * main thread, which follows the job and prints how it ended). Neither lets the JVM shut down under
 * the other: the embedded database closes on shutdown, and work still writing to it would fail with
 * H2's stack traces and lose its last minibatches. The command waits until the stop is done
 * ({@link #awaitStopped}) and exits with the signal's code ({@link #exitCode}); the signal's thread
 * exits itself only if no command is following the job, or after it has had its time. A partition
 * that does not stop within {@code gradreg.stop-seconds} is not shut down under: the process halts
 * (the store is crash-safe; the run resumes from its last periodic checkpoint) and says so.
 */
@ApplicationScoped
public class GracefulStop {

    /** How long the signal's thread lets a following command print how the job ended. */
    private static final long COMMAND_GRACE_SECONDS = 15;

    @ConfigProperty(name = "gradreg.stop-seconds", defaultValue = "20")
    int stopSeconds;

    private volatile boolean requested;
    private volatile int exitCode;
    private final AtomicInteger training = new AtomicInteger();
    private final List<Runnable> finally_ = new CopyOnWriteArrayList<>();
    private final List<Runnable> stopping = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch commandEnded = new CountDownLatch(1);
    private volatile boolean following;
    private boolean installed;

    /** Whether the process is stopping: partitions save and return. */
    public boolean requested() {
        return requested;
    }

    /** The exit code of a process stopped by a signal: 128 + the signal's number (143 for SIGTERM, 130 for SIGINT). */
    public int exitCode() {
        return exitCode;
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
     * for SIGINT). JVM shutdown hooks cannot do this: they run in parallel with H2's. A second
     * Ctrl-C stops at once, without waiting for the partitions.
     */
    public synchronized void install(Runnable stopping) {
        whenStopping(stopping);
        if (installed) {
            return;
        }
        installed = true;
        for (String name : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> onSignal(signal.getName(),
                        128 + signal.getNumber()));
            } catch (IllegalArgumentException e) {
                // this platform has no such signal, or the JVM reserves it (-Xrs): the default applies
            }
        }
    }

    /** Runs {@code action} first when the process stops (without installing the signal handlers). */
    void whenStopping(Runnable action) {
        stopping.add(action);
    }

    private synchronized void onSignal(String name, int code) {
        if (requested) {
            if (name.equals("INT")) { // a second Ctrl-C: the user does not want to wait
                System.err.println("gradreg: SIGINT again: stopping now; unsaved runs resume from their last "
                        + "periodic checkpoint");
                System.err.flush();
                Runtime.getRuntime().halt(code);
            }
            return; // a repeated SIGTERM: already stopping
        }
        exitCode = code;
        requested = true;
        System.err.printf("gradreg: SIG%s: stopping; every training run saves its checkpoint (up to %d s, "
                + "gradreg.stop-seconds)%n", name, stopSeconds);
        System.err.flush();
        new Thread(() -> {
            if (!stop()) {
                System.err.printf("gradreg: %d training runs did not stop within gradreg.stop-seconds (%d s); 'gradreg "
                        + "restart' resumes them from their last periodic checkpoint%n",
                        training.get(), stopSeconds);
                System.err.flush();
                Runtime.getRuntime().halt(code); // not a shutdown: it would close the database under them
            }
            stopped.countDown();
            try {
                if (following) {
                    commandEnded.await(COMMAND_GRACE_SECONDS, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.exit(code);
        }, "gradreg-graceful-stop").start();
    }

    /** The command that follows a running job starts; it calls {@link #commandEnded()} when it has printed its end. */
    public void following() {
        following = true;
    }

    /** The following command is done: the process may exit. */
    public void commandEnded() {
        commandEnded.countDown();
    }

    /**
     * Waits until a stop on a signal has saved the partitions and run the {@link #onStop} actions
     * (at most {@code gradreg.stop-seconds} and as long again for the actions); returns at once
     * when no signal came.
     */
    public boolean awaitStopped() throws InterruptedException {
        return !requested || stopped.await(2L * stopSeconds + COMMAND_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * A partition asks to start: false once a stop has begun (JBeret still starts the partitions it
     * has queued; such a one must return at once, without touching the store, or the stop, seeing no
     * partition at work, would exit under it). If true, {@link #finished()} when it returns.
     */
    boolean training() {
        synchronized (training) {
            if (requested) {
                return false;
            }
            training.incrementAndGet();
            return true;
        }
    }

    void finished() {
        synchronized (training) {
            training.decrementAndGet();
            training.notifyAll();
        }
    }

    /**
     * Stops: asks the execution to stop, waits for the partitions to save (within
     * {@code gradreg.stop-seconds}), then runs the {@link #onStop} actions. Returns false, having
     * run no action, if partitions are still training at the deadline.
     */
    boolean stop() {
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
            while (training.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    training.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
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
        return true;
    }
}
