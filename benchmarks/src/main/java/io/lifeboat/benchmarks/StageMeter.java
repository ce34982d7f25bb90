package io.lifeboat.benchmarks;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Runs one stage under a {@link ProgressSampler}: collects garbage first (so that the heap figures of
 * one stage do not carry the garbage of the one before), then times the work from start to end.
 */
public final class StageMeter {

    /** The work of a stage; returns once every record is done. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    private final PrintStream out;

    public StageMeter(PrintStream out) {
        this.out = out;
    }

    public StageResult measure(Stage stage, String what, long records, int recordBytes,
                               ProgressSampler.Progress progress, Work work) throws Exception {
        out.println("[bench] " + what);
        out.flush();
        System.gc();
        long heapAtStart = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long start = System.nanoTime();
        List<ProgressSample> samples;
        double seconds;
        try (ProgressSampler sampler = ProgressSampler.start(progress, stage.label())) {
            work.run();
            seconds = (System.nanoTime() - start) / 1e9;
            samples = sampler.stop();
        }
        return StageResult.of(stage, records, recordBytes, seconds, samples, heapAtStart);
    }
}
