package io.lifeboat.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Samples a stage's progress, the JVM's heap in use and the process's CPU time every {@link #INTERVAL_MS} ms on a thread of its
 * own, from {@link #start} until {@link #stop}, which takes one last sample. A progress source that
 * throws ends the sampling, and {@link #stop} rethrows it: a stage whose progress cannot be watched is
 * not measured.
 */
public final class ProgressSampler implements AutoCloseable {

    public static final long INTERVAL_MS = 200;

    /** Records done so far; called on the sampler's thread. */
    @FunctionalInterface
    public interface Progress {
        long done() throws Exception;
    }

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final OperatingSystemMXBean SYSTEM = ManagementFactory.getOperatingSystemMXBean();

    private final Progress progress;
    private final List<ProgressSample> samples = new ArrayList<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    private ProgressSampler(Progress progress, String stage) {
        this.progress = progress;
        this.thread = new Thread(this::loop, "bench-sampler-" + stage);
        this.thread.setDaemon(true);
    }

    /** Takes a first sample now, then one every {@link #INTERVAL_MS} ms. */
    public static ProgressSampler start(Progress progress, String stage) throws Exception {
        ProgressSampler sampler = new ProgressSampler(progress, stage);
        sampler.sample();
        sampler.thread.start();
        return sampler;
    }

    private void loop() {
        long next = System.nanoTime();
        while (running) {
            next += INTERVAL_MS * 1_000_000;
            long wait = next - System.nanoTime();
            try {
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                if (running) {
                    sample();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                failure.compareAndSet(null, e);
                return;
            }
        }
    }

    private void sample() throws Exception {
        long before = System.nanoTime();
        long done = progress.done();
        long after = System.nanoTime();
        long heap = MEMORY.getHeapMemoryUsage().getUsed();
        long cpu = processCpuNanos();
        synchronized (samples) {
            samples.add(new ProgressSample(before + (after - before) / 2, done, heap, cpu));
        }
    }

    /** CPU time used by this process so far, in nanoseconds; -1 where the JVM cannot tell. */
    static long processCpuNanos() {
        return SYSTEM instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    /** Stops sampling, takes a last sample and returns them all in time order. */
    public List<ProgressSample> stop() throws Exception {
        close();
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("interrupted while stopping the progress sampler");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Could not watch the stage's progress: " + failure.get(), failure.get());
        }
        sample();
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** Stops sampling; waits for a sample under way (not interrupted: a client interrupted mid-call fails). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
