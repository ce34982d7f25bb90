package io.lifeboat.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One benchmark run: every value size is measured against every store, in one process on one embedded
 * cluster.
 *
 * @param records                  records per value size
 * @param valueSizes               value sizes in bytes, measured in this order
 * @param stores                   store names ({@link BenchStore#NAMES}), measured in this order
 * @param tasks                    tasks.max of the backup, the restore and both ceiling connectors, and the
 *                                 number of raw producers and consumers (at most one per partition)
 * @param partitions               partitions of the benchmark topic
 * @param compression              segment.compression of the backup
 * @param restoreProducerOverrides producer overrides of the restore and the from-memory source
 * @param json                     where the JSON report goes
 */
public record BenchSettings(long records, List<Integer> valueSizes, List<String> stores, int tasks, int partitions,
                            String compression, Map<String, String> restoreProducerOverrides, Path json) {

    /** Producer settings README recommends for a restore: bigger batches than the producer's 16 KiB default. */
    public static final Map<String, String> TUNED_RESTORE_PRODUCER = Map.of(
            "producer.override.batch.size", "262144", "producer.override.linger.ms", "5");

    public BenchSettings {
        valueSizes = List.copyOf(valueSizes);
        stores = List.copyOf(stores);
        restoreProducerOverrides = Map.copyOf(restoreProducerOverrides);
        if (records < 10) {
            throw new IllegalArgumentException("--records must be at least 10, got " + records);
        }
        if (valueSizes.isEmpty() || valueSizes.stream().anyMatch(v -> v < 1)) {
            throw new IllegalArgumentException("--value-bytes must list sizes of at least 1 byte, got " + valueSizes);
        }
        if (stores.isEmpty() || !BenchStore.NAMES.containsAll(stores)) {
            throw new IllegalArgumentException("--store must list some of " + BenchStore.NAMES + ", got " + stores);
        }
        if (tasks < 1 || partitions < 1) {
            throw new IllegalArgumentException("--tasks and --partitions must be at least 1");
        }
    }
}
