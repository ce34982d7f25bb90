package io.lifeboat.benchmarks;

import java.util.List;
import java.util.Optional;

/**
 * What one stage measured.
 *
 * @param stage          the stage
 * @param records        records it handled
 * @param recordBytes    payload bytes per record (key and value)
 * @param seconds        start to end: from creating the connector (or the client) until the last record
 *                       is committed, acknowledged or in the target topic
 * @param steady         the 10%-90% window, empty when the samples cannot resolve one
 * @param heapAtStart    heap in use when the stage started, after a {@link System#gc()}, in bytes
 * @param peakHeap       the most heap in use at any sample during the stage, in bytes
 */
public record StageResult(Stage stage, long records, int recordBytes, double seconds,
                          Optional<SteadyRate.Window> steady, long heapAtStart, long peakHeap) {

    /** Builds the result from the samples of a stage that took {@code seconds}. */
    public static StageResult of(Stage stage, long records, int recordBytes, double seconds,
                                 List<ProgressSample> samples, long heapAtStart) {
        long peak = samples.stream().mapToLong(ProgressSample::heapUsed).max().orElse(heapAtStart);
        return new StageResult(stage, records, recordBytes, seconds, SteadyRate.of(samples, records), heapAtStart,
                Math.max(peak, heapAtStart));
    }

    public double megabytes() {
        return records * (double) recordBytes / 1e6;
    }

    /** Records per second between 10% and 90% of the records; NaN when not resolved. */
    public double steadyRecordsPerSecond() {
        return steady.map(SteadyRate.Window::recordsPerSecond).orElse(Double.NaN);
    }

    /** MB (10^6 bytes of key and value) per second between 10% and 90%; NaN when not resolved. */
    public double steadyMegabytesPerSecond() {
        return steadyRecordsPerSecond() * recordBytes / 1e6;
    }

    /** Whether the steady figure rests on too few progress points (or none) to be more than a hint. */
    public boolean coarse() {
        return steady.map(SteadyRate.Window::coarse).orElse(true);
    }

    /**
     * CPU time of the whole process per MB done in the 10%-90% window, in milliseconds: what the stage
     * costs the machine (broker, worker and store included); NaN when not resolved.
     */
    public double steadyCpuMillisPerMegabyte() {
        return steady.filter(w -> w.cpuNanos() >= 0)
                .map(w -> (w.cpuNanos() / 1e6) / (w.records() * recordBytes / 1e6))
                .orElse(Double.NaN);
    }

    /** Cores the process kept busy on average in the 10%-90% window; NaN when not resolved. */
    public double steadyCoresBusy() {
        return steady.map(SteadyRate.Window::coresBusy).orElse(Double.NaN);
    }

    public double endToEndMegabytesPerSecond() {
        return megabytes() / seconds;
    }
}
