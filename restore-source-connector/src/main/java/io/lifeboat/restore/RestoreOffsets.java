package io.lifeboat.restore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The source partitions and offsets the restore commits through Connect, and how to read them
 * back. A source partition names a backed-up topic-partition; its offset is the last original
 * offset written to the target, and {@code complete} turns true with the partition's last record.
 *
 * <pre>
 * partition: {"topic": "orders", "partition": 3}
 * offset:    {"offset": 1234, "complete": false}
 * in time:   {"offset": 1234, "complete": false, "start_cut": 1200}
 * last:      {"offset": 1299, "complete": true, "start_cut": 1200, "end_cut": 1300}
 * probe:     {"offset": 1234, "complete": false, "probe_target_cluster": "q3Wd...", "probe_target_end": 17,
 *             "probe_resumed_after": 1233}
 * </pre>
 *
 * <p>Invariant: a committed offset counts a record as restored only once the target cluster is
 * known to hold it. The first record a task hands over (see {@link DestinationCheck}) is written
 * before anyone knows where Connect's producer sends it, and Connect commits its offset once any
 * cluster acknowledged it, even when the task then fails because that was the wrong cluster. So
 * that record's offset is a probe offset: it also carries the cluster id of the target cluster
 * ({@code probe_target_cluster}), the end offset the target partition had there just before the
 * record was handed over ({@code probe_target_end}) and where the partition stood before it
 * ({@code probe_resumed_after}, -1 for nothing). Read back, a probe offset is trusted only when
 * the target cluster is still that cluster and its target partition now ends after
 * {@code probe_target_end} (see {@link Progress#resolve}); otherwise the record went elsewhere
 * and the partition resumes where it stood before it, so the record is written again. Later
 * records carry plain offsets, which supersede the probe's. Only the restore writes to its target
 * partitions (a partition holding records it did not write is refused at start), so a partition
 * that grew past {@code probe_target_end} holds the probe.
 *
 * <p>A restore to a point in time ({@code restore.start.time}, {@code restore.end.time}; see
 * {@link PointInTimeCut}) reports its cuts in the original partition's offsets: with a start time,
 * every offset from the first restored record on carries {@code start_cut}, the offset of that
 * record (the first whose timestamp is at or after the start), so that a task resuming the
 * partition still knows it; with an end time, the offset of the last record (the one with
 * {@code complete=true}) carries {@code end_cut}, the first offset whose record's timestamp is at or
 * after the end, which is not restored. A cut that no record reached is absent: without
 * {@code end_cut}, no record was at or after the end and the partition was restored to its last
 * record. A partition with no record in the range has no offset at all.
 */
final class RestoreOffsets {

    static final String TOPIC = "topic";
    static final String PARTITION = "partition";
    static final String OFFSET = "offset";
    static final String COMPLETE = "complete";
    static final String START_CUT = "start_cut";
    static final String END_CUT = "end_cut";
    static final String PROBE_TARGET_CLUSTER = "probe_target_cluster";
    static final String PROBE_TARGET_END = "probe_target_end";
    static final String PROBE_RESUMED_AFTER = "probe_resumed_after";
    /**
     * Consumer groups translated on this partition whose commit in the target cluster has not
     * succeeded yet (group id -> target offset): carried by every later record of the partition, so
     * a restarted task can still commit them ({@link GroupRepositioning}).
     */
    static final String GROUPS_UNCOMMITTED = "groups_uncommitted";
    /** Consumer groups committed on this partition so far (group id -> target offset), for the report. */
    static final String GROUPS_COMMITTED = "groups_committed";
    /**
     * On a partition's last record: the groups no restored record translates, committed at the
     * restored partition's end right after that record is acknowledged.
     */
    static final String GROUPS_AT_END = "groups_at_end";
    /**
     * On a translation point: the groups that resume at this record. A restarted task whose committed
     * offset is this record's, with those groups not committed, knows where they go.
     */
    static final String GROUPS_AT_POINT = "groups_at_point";
    /** The metadata snapshot the groups come from, so that a restarted connector keeps using it. */
    static final String GROUPS_SNAPSHOT = "groups_snapshot";

    /**
     * What a partition's source offsets say of its consumer groups.
     *
     * @param committed   committed so far: group -> target offset
     * @param uncommitted translated, commit still to succeed: group -> target offset
     * @param atPoint     the groups whose translation point this record is (empty for most records)
     * @param snapshot    key of the metadata snapshot the groups come from ("" for none)
     */
    record GroupProgress(Map<String, Long> committed, Map<String, Long> uncommitted, Set<String> atPoint,
                         String snapshot) {
        static final GroupProgress NONE = new GroupProgress(Map.of(), Map.of(), Set.of(), "");

        GroupProgress {
            committed = Map.copyOf(committed);
            uncommitted = Map.copyOf(uncommitted);
            atPoint = Set.copyOf(atPoint);
        }

        static GroupProgress from(Map<String, ?> offset) {
            Set<String> atPoint = new TreeSet<>();
            if (offset.get(GROUPS_AT_POINT) instanceof String text && !text.isEmpty()) {
                try {
                    JSON.readTree(text).forEach(g -> atPoint.add(g.asText()));
                } catch (JsonProcessingException e) {
                    atPoint.clear();
                }
            }
            return new GroupProgress(groupOffsets(offset.get(GROUPS_COMMITTED)),
                    groupOffsets(offset.get(GROUPS_UNCOMMITTED)), atPoint,
                    offset.get(GROUPS_SNAPSHOT) instanceof String key ? key : "");
        }
    }

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
        return sourceOffset(offset, complete, OptionalLong.empty(), OptionalLong.empty());
    }

    /**
     * @param startCut the partition's start cut, when a start time applied and the cut was found
     * @param endCut   the partition's end cut, on the last record only, when an end time applied and a record reached it
     */
    static Map<String, Object> sourceOffset(long offset, boolean complete, OptionalLong startCut, OptionalLong endCut) {
        Map<String, Object> sourceOffset = new HashMap<>();
        sourceOffset.put(OFFSET, offset);
        sourceOffset.put(COMPLETE, complete);
        startCut.ifPresent(cut -> sourceOffset.put(START_CUT, cut));
        endCut.ifPresent(cut -> sourceOffset.put(END_CUT, cut));
        return sourceOffset;
    }

    /**
     * The offset of a task's first record, not yet known to be in the target cluster.
     *
     * @param plain the record's plain offset ({@link #sourceOffset})
     * @param probe the target cluster and partition as they were just before the record was handed over
     */
    static Map<String, Object> probeOffset(Map<String, ?> plain, Probe probe) {
        Map<String, Object> offset = new HashMap<>(plain);
        offset.put(PROBE_TARGET_CLUSTER, probe.targetCluster());
        offset.put(PROBE_TARGET_END, probe.targetEnd());
        offset.put(PROBE_RESUMED_AFTER, probe.resumedAfter());
        return offset;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Connect takes only primitive values in source offsets: group maps are JSON text. */
    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }

    /** Reads a {@link #json} group map back; empty when absent or unreadable. */
    static Map<String, Long> groupOffsets(Object value) {
        Map<String, Long> groups = new HashMap<>();
        if (value instanceof String text && !text.isEmpty()) {
            try {
                JSON.readTree(text).fields().forEachRemaining(e -> {
                    if (e.getValue().isIntegralNumber()) {
                        groups.put(e.getKey(), e.getValue().asLong());
                    }
                });
            } catch (JsonProcessingException e) {
                return groups;
            }
        }
        return groups;
    }

    /**
     * {@code record} with the consumer groups of its partition in its source offset
     * ({@link GroupProgress}), and on the partition's last record the groups committed at its end
     * ({@link #GROUPS_AT_END}).
     */
    static SourceRecord withGroups(SourceRecord record, GroupProgress groups, List<String> atEnd) {
        return withFields(record, groupFields(groups, isLast(record) ? atEnd : List.of()));
    }

    /**
     * The source-offset fields that say {@code groups} (JSON text), and {@code atEnd} as
     * {@link #GROUPS_AT_END}: computed once for all the records of a batch that say the same.
     */
    static Map<String, Object> groupFields(GroupProgress groups, Collection<String> atEnd) {
        Map<String, Object> fields = new HashMap<>();
        if (!groups.committed().isEmpty()) {
            fields.put(GROUPS_COMMITTED, json(new TreeMap<>(groups.committed())));
        }
        if (!groups.uncommitted().isEmpty()) {
            fields.put(GROUPS_UNCOMMITTED, json(new TreeMap<>(groups.uncommitted())));
        }
        if (!groups.atPoint().isEmpty()) {
            fields.put(GROUPS_AT_POINT, json(new TreeSet<>(groups.atPoint())));
        }
        if (!groups.snapshot().isEmpty()) {
            fields.put(GROUPS_SNAPSHOT, groups.snapshot());
        }
        if (!atEnd.isEmpty()) {
            fields.put(GROUPS_AT_END, json(new TreeSet<>(atEnd)));
        }
        return fields;
    }

    /** {@code record} with {@code fields} added to its source offset ({@link #groupFields}). */
    static SourceRecord withFields(SourceRecord record, Map<String, Object> fields) {
        if (fields.isEmpty()) {
            return record;
        }
        Map<String, Object> offset = new HashMap<>(record.sourceOffset());
        offset.putAll(fields);
        return new SourceRecord(record.sourcePartition(), offset, record.topic(), record.kafkaPartition(),
                record.keySchema(), record.key(), record.valueSchema(), record.value(), record.timestamp(),
                record.headers());
    }

    /** Whether {@code record} is its partition's last ({@code complete=true}). */
    static boolean isLast(SourceRecord record) {
        return Boolean.TRUE.equals(record.sourceOffset().get(COMPLETE));
    }

    /**
     * What a probe offset records besides the plain offset.
     *
     * @param targetCluster cluster id of the target cluster
     * @param targetEnd     end offset of the target partition there, before the probe was handed over
     * @param resumedAfter  the partition's last restored offset before the probe (-1 for none)
     */
    record Probe(String targetCluster, long targetEnd, long resumedAfter) {
    }

    /**
     * Where a partition's restore stands, from a committed offset (null when none).
     *
     * @param probe    for a probe offset, what it recorded; null for a plain offset
     * @param startCut the start cut the offset records, or -1
     */
    record Progress(long lastRestoredOffset, boolean complete, Probe probe, long startCut, GroupProgress groups) {
        static final Progress NONE = new Progress(-1, false);

        Progress(long lastRestoredOffset, boolean complete) {
            this(lastRestoredOffset, complete, null);
        }

        Progress(long lastRestoredOffset, boolean complete, Probe probe) {
            this(lastRestoredOffset, complete, probe, -1, GroupProgress.NONE);
        }

        Progress(long lastRestoredOffset, boolean complete, Probe probe, long startCut) {
            this(lastRestoredOffset, complete, probe, startCut, GroupProgress.NONE);
        }

        static Progress from(Map<String, Object> offset) {
            if (offset == null || !(offset.get(OFFSET) instanceof Number n)) {
                return NONE;
            }
            boolean complete = Boolean.TRUE.equals(offset.get(COMPLETE));
            long startCut = offset.get(START_CUT) instanceof Number cut ? cut.longValue() : -1;
            GroupProgress groups = GroupProgress.from(offset);
            if (offset.get(PROBE_TARGET_END) instanceof Number end) {
                long before = offset.get(PROBE_RESUMED_AFTER) instanceof Number b ? b.longValue() : -1;
                return new Progress(n.longValue(), complete,
                        new Probe(String.valueOf(offset.get(PROBE_TARGET_CLUSTER)), end.longValue(), before), startCut,
                        groups);
            }
            return new Progress(n.longValue(), complete, null, startCut, groups);
        }

        /** Whether this is a probe offset, whose record may not be in the target cluster. */
        boolean unverified() {
            return probe != null;
        }

        /**
         * The progress that counts, given the target cluster's id and the target partition's end
         * offset now: a probe's record is there when it is the probe's cluster and the partition grew
         * past the end it had before the probe; otherwise the progress before the probe counts.
         */
        Progress resolve(String targetClusterNow, long targetEndNow) {
            if (probe == null) {
                return this;
            }
            // Before the probe, the partition had passed the start cut only if it had restored something.
            return probeLanded(targetClusterNow, targetEndNow)
                    ? new Progress(lastRestoredOffset, complete, null, startCut, groups)
                    // the probe's record went elsewhere: the groups it carried from before it still hold,
                    // but it was no translation point here
                    : new Progress(probe.resumedAfter(), false, null, probe.resumedAfter() >= 0 ? startCut : -1,
                            new GroupProgress(groups.committed(), groups.uncommitted(), Set.of(), groups.snapshot()));
        }

        /** For a probe offset: whether the target cluster holds the probe (see {@link #resolve}). */
        boolean probeLanded(String targetClusterNow, long targetEndNow) {
            return probe != null && probe.targetCluster().equals(targetClusterNow) && targetEndNow > probe.targetEnd();
        }
    }

    private RestoreOffsets() {
    }
}
