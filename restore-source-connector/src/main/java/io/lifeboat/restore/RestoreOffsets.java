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
 * probe:     {"offset": 1234, "complete": false, "probe_target_end": 17, "probe_resumed_after": 1233}
 * </pre>
 *
 * <p>Invariant: a committed offset counts a record as restored only once the target cluster is
 * known to hold it. The first record a task hands over (see {@link DestinationCheck}) is written
 * before anyone knows where Connect's producer sends it, and Connect commits its offset once any
 * cluster acknowledged it, even when the task then fails because that was the wrong cluster. So
 * that record's offset is a probe offset: it also carries the end offset the target partition had
 * in the target cluster just before the record was handed over ({@code probe_target_end}) and
 * where the partition stood before it ({@code probe_resumed_after}, -1 for nothing). Read back, a
 * probe offset is trusted only when the target partition's end offset has grown past
 * {@code probe_target_end} (see {@link Progress#resolve}); otherwise the record went elsewhere and
 * the partition resumes where it stood before it, so the record is written again. Later records
 * carry plain offsets, which supersede the probe's.
 */
final class RestoreOffsets {

    static final String TOPIC = "topic";
    static final String PARTITION = "partition";
    static final String OFFSET = "offset";
    static final String COMPLETE = "complete";
    static final String PROBE_TARGET_END = "probe_target_end";
    static final String PROBE_RESUMED_AFTER = "probe_resumed_after";

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

    /**
     * The offset of a task's first record, not yet known to be in the target cluster.
     *
     * @param plain          the record's plain offset ({@link #sourceOffset})
     * @param targetEnd      end offset of the target partition in the target cluster, read just
     *                       before the record is handed over
     * @param resumedAfter   the partition's last restored offset before this record (-1 for none)
     */
    static Map<String, Object> probeOffset(Map<String, ?> plain, long targetEnd, long resumedAfter) {
        Map<String, Object> probe = new HashMap<>(plain);
        probe.put(PROBE_TARGET_END, targetEnd);
        probe.put(PROBE_RESUMED_AFTER, resumedAfter);
        return probe;
    }

    /**
     * Where a partition's restore stands, from a committed offset (null when none).
     *
     * @param probeTargetEnd for a probe offset, the target partition's end offset before the probe
     *                       was handed over; -1 for a plain offset
     * @param resumedAfter   for a probe offset, where the partition stood before it
     */
    record Progress(long lastRestoredOffset, boolean complete, long probeTargetEnd, long resumedAfter) {
        static final Progress NONE = new Progress(-1, false);

        Progress(long lastRestoredOffset, boolean complete) {
            this(lastRestoredOffset, complete, -1, -1);
        }

        static Progress from(Map<String, Object> offset) {
            if (offset == null || !(offset.get(OFFSET) instanceof Number n)) {
                return NONE;
            }
            boolean complete = Boolean.TRUE.equals(offset.get(COMPLETE));
            if (offset.get(PROBE_TARGET_END) instanceof Number end) {
                long before = offset.get(PROBE_RESUMED_AFTER) instanceof Number b ? b.longValue() : -1;
                return new Progress(n.longValue(), complete, end.longValue(), before);
            }
            return new Progress(n.longValue(), complete);
        }

        /** Whether this is a probe offset, whose record may not be in the target cluster. */
        boolean unverified() {
            return probeTargetEnd >= 0;
        }

        /**
         * The progress that counts, given the target partition's end offset now: a probe's record
         * is in the target cluster when the partition grew past the end it had before the probe
         * (only this restore writes to it); otherwise the progress before the probe.
         */
        Progress resolve(long targetEndNow) {
            if (!unverified()) {
                return this;
            }
            return targetEndNow > probeTargetEnd ? new Progress(lastRestoredOffset, complete)
                    : new Progress(resumedAfter, false);
        }
    }

    private RestoreOffsets() {
    }
}
