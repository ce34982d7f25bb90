package io.lifeboat.restore;

import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;

/**
 * The source partitions and offsets the restore commits through Connect, and how to read them
 * back. A source partition names a backed-up topic-partition; its offset is the last original
 * offset written to the target, and {@code complete} turns true with the partition's last record.
 *
 * <pre>
 * partition: {"topic": "orders", "partition": 3}
 * offset:    {"offset": 1234, "complete": false}
 * </pre>
 */
final class RestoreOffsets {

    static final String TOPIC = "topic";
    static final String PARTITION = "partition";
    static final String OFFSET = "offset";
    static final String COMPLETE = "complete";

    /**
     * Connect finds a committed offset by the serialized (JSON) bytes of this map, so its key order
     * must be the one Connect itself produces when it reads keys back (its JsonConverter makes a
     * HashMap, for the REST offsets API): a HashMap, whose order is the same in every JVM. Never
     * Map.of, whose order varies between JVMs.
     */
    static Map<String, Object> sourcePartition(TopicPartition tp) {
        Map<String, Object> partition = new HashMap<>();
        partition.put(TOPIC, tp.topic());
        partition.put(PARTITION, tp.partition());
        return partition;
    }

    static Map<String, Object> sourceOffset(long offset, boolean complete) {
        Map<String, Object> sourceOffset = new HashMap<>();
        sourceOffset.put(OFFSET, offset);
        sourceOffset.put(COMPLETE, complete);
        return sourceOffset;
    }

    /** Where a partition's restore stands, from a committed offset (null when none). */
    record Progress(long lastRestoredOffset, boolean complete) {
        static final Progress NONE = new Progress(-1, false);

        static Progress from(Map<String, Object> offset) {
            if (offset == null || !(offset.get(OFFSET) instanceof Number n)) {
                return NONE;
            }
            return new Progress(n.longValue(), Boolean.TRUE.equals(offset.get(COMPLETE)));
        }
    }

    private RestoreOffsets() {
    }
}
