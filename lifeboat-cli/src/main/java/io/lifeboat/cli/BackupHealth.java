package io.lifeboat.cli;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * A backup connector's partitions as {@code lifeboat status} measures them: how far the durable backup
 * (the connector's committed offsets, which it commits only for records in the store) is behind the
 * live topic, and the RPO right now.
 *
 * @param store      the backup set, as the store describes itself
 * @param partitions every partition of the backed-up topics, in topic and partition order
 * @param metadata   the newest metadata snapshot, as {@code list} shows it
 * @param maxRpo     the RPO above which a partition with records not yet durable is reported BEHIND
 */
record BackupHealth(String store, List<PartitionLag> partitions, String metadata, Duration maxRpo) {

    BackupHealth {
        partitions = List.copyOf(partitions);
    }

    /**
     * One partition.
     *
     * @param topic                  the topic
     * @param partition              the partition
     * @param beginningOffset        the live topic's first offset
     * @param endOffset              the live topic's end offset (read_committed, as the backup reads it)
     * @param durableOffset          the connector's committed offset: every record before it is in the store;
     *                               empty when it has committed none
     * @param newestDurableTimestamp the newest record timestamp the store holds for the partition, if any
     */
    record PartitionLag(String topic, int partition, long beginningOffset, long endOffset, OptionalLong durableOffset,
                        OptionalLong newestDurableTimestamp, OptionalLong pendingRecords) {

        PartitionLag(String topic, int partition, long beginningOffset, long endOffset, OptionalLong durableOffset,
                     OptionalLong newestDurableTimestamp) {
            this(topic, partition, beginningOffset, endOffset, durableOffset, newestDurableTimestamp, OptionalLong.empty());
        }

        /** The offsets after the durable one (all of them when nothing was committed), records or not. */
        long lagOffsets() {
            return Math.max(0, endOffset - firstNotDurable());
        }

        /** The first offset not known durable. */
        long firstNotDurable() {
            return Math.max(beginningOffset, durableOffset.isPresent() ? durableOffset.getAsLong() : beginningOffset);
        }

        /**
         * Records in the topic not durable in the store yet: as counted by a read_committed consumer
         * ({@code pendingRecords}) when it was, else the offsets (transaction markers and aborted records
         * counted too).
         */
        long lagRecords() {
            return pendingRecords.isPresent() ? pendingRecords.getAsLong() : lagOffsets();
        }

        /** This partition with its pending records counted. */
        PartitionLag counted(OptionalLong pending) {
            return new PartitionLag(topic, partition, beginningOffset, endOffset, durableOffset, newestDurableTimestamp,
                    pending);
        }

        /**
         * The RPO now: zero when every record is durable, otherwise the age of the newest durable record
         * (everything after it would be lost); empty when records wait and none is durable yet.
         */
        OptionalLong rpoMillis(long nowMillis) {
            if (lagRecords() == 0) {
                return OptionalLong.of(0);
            }
            return newestDurableTimestamp.isPresent()
                    ? OptionalLong.of(Math.max(0, nowMillis - newestDurableTimestamp.getAsLong()))
                    : OptionalLong.empty();
        }
    }
}
