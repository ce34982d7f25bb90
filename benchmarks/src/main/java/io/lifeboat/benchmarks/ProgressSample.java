package io.lifeboat.benchmarks;

/**
 * One observation during a stage.
 *
 * @param nanos     {@link System#nanoTime()} when it was taken
 * @param done      records done by then (committed, acknowledged or in the target topic, as the stage counts)
 * @param heapUsed  heap in use at that moment, in bytes (the whole JVM)
 * @param cpuNanos  CPU time the whole process had used by then (every thread: broker, worker, store, benchmark)
 */
public record ProgressSample(long nanos, long done, long heapUsed, long cpuNanos) {
}
