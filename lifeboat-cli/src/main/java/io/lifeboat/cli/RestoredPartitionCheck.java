package io.lifeboat.cli;

import io.lifeboat.core.segment.BackupHeader;
import io.lifeboat.core.segment.BackupRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares one restored partition with the backup set, record by record in order, byte for byte: the
 * n-th restored record must equal the n-th backed-up one (key and value with null and empty apart,
 * headers in order with duplicates, timestamp and its type). The restored records must hold every
 * record that was durable when the drill started (original offsets below the backup's committed
 * offset then); a running backup may have stored more since. On the way it finds, for each consumer
 * group the restore repositioned, where the group must resume: the first restored record whose
 * original offset is at or after the group's committed offset, else the restored partition's end.
 */
final class RestoredPartitionCheck {

    /** The outcome for one partition. */
    record Result(TopicPartition source, TopicPartition target, long recordsVerified, long restoredEnd,
                  List<String> differences, Map<String, Long> groupPositions) {
    }

    private final TopicPartition source;
    private final TopicPartition target;
    private final long durableAtStart;
    private final Iterator<Map.Entry<Long, List<String>>> groupOffsets;
    private final Map<String, Long> groupPositions = new TreeMap<>();
    private final List<String> differences = new ArrayList<>();
    private final int maxDifferences;
    private Map.Entry<Long, List<String>> nextGroups;
    private long verified;

    /**
     * @param durableAtStart the backup's committed offset of the partition when the drill started: every
     *                       original offset below it must be restored
     * @param groupOffsets   the repositioned groups' committed offsets in the backed-up partition, by group
     */
    RestoredPartitionCheck(TopicPartition source, TopicPartition target, long durableAtStart,
                           Map<String, Long> groupOffsets, int maxDifferences) {
        this.source = source;
        this.target = target;
        this.durableAtStart = durableAtStart;
        this.maxDifferences = maxDifferences;
        TreeMap<Long, List<String>> byOffset = new TreeMap<>();
        groupOffsets.forEach((group, offset) -> byOffset.computeIfAbsent(offset, o -> new ArrayList<>()).add(group));
        this.groupOffsets = byOffset.entrySet().iterator();
        this.nextGroups = this.groupOffsets.hasNext() ? this.groupOffsets.next() : null;
    }

    /** Whether more records would only add differences beyond the ones kept. */
    boolean full() {
        return differences.size() >= maxDifferences;
    }

    /** The next pair: the n-th backed-up record and the n-th restored one. */
    void compare(BackupRecord original, ConsumerRecord<byte[], byte[]> restored) {
        while (nextGroups != null && original.offset() >= nextGroups.getKey()) {
            nextGroups.getValue().forEach(group -> groupPositions.put(group, restored.offset()));
            nextGroups = groupOffsets.hasNext() ? groupOffsets.next() : null;
        }
        String at = target + " offset " + restored.offset() + " (original " + source + " offset " + original.offset()
                + ")";
        if (!Arrays.equals(original.key(), restored.key())) {
            add(at + ": key " + RecordText.describe(restored.key()) + ", the backup holds "
                    + RecordText.describe(original.key()));
        }
        if (!Arrays.equals(original.value(), restored.value())) {
            add(at + ": value " + RecordText.describe(restored.value()) + ", the backup holds "
                    + RecordText.describe(original.value()));
        }
        if (original.timestamp() != null && (original.timestamp() != restored.timestamp()
                || original.timestampType() != restored.timestampType())) {
            add(at + ": timestamp " + restored.timestamp() + " (" + restored.timestampType() + "), the backup holds "
                    + original.timestamp() + " (" + original.timestampType() + ")");
        }
        if (!sameHeaders(original.headers(), restored)) {
            add(at + ": headers differ from the backup's " + describe(original.headers()));
        }
        verified++;
    }

    /** A restored record past the backup set's last one. */
    void extraRestored(ConsumerRecord<byte[], byte[]> restored) {
        add(target + " offset " + restored.offset() + ": a restored record the backup set does not hold (it ends "
                + "after " + verified + " records)");
    }

    /**
     * The restored partition ended (at {@code restoredEnd}) before the backup set did; {@code nextOriginal}
     * is the first backed-up record not restored, or null when the backup set ended too.
     */
    Result finish(BackupRecord nextOriginal, long restoredEnd) {
        if (nextOriginal != null && nextOriginal.offset() < durableAtStart) {
            add(target + ": " + verified + " records restored, but the backup held records up to original offset "
                    + (durableAtStart - 1) + " when the drill started; the first not restored is original offset "
                    + nextOriginal.offset());
        }
        while (nextGroups != null) {
            nextGroups.getValue().forEach(group -> groupPositions.put(group, restoredEnd));
            nextGroups = groupOffsets.hasNext() ? groupOffsets.next() : null;
        }
        return new Result(source, target, verified, restoredEnd, List.copyOf(differences), Map.copyOf(groupPositions));
    }

    private static boolean sameHeaders(List<BackupHeader> expected, ConsumerRecord<byte[], byte[]> restored) {
        Header[] actual = restored.headers().toArray();
        if (expected.size() != actual.length) {
            return false;
        }
        for (int i = 0; i < actual.length; i++) {
            if (!expected.get(i).key().equals(actual[i].key()) || !Arrays.equals(expected.get(i).value(), actual[i].value())) {
                return false;
            }
        }
        return true;
    }

    private static String describe(List<BackupHeader> headers) {
        List<String> parts = new ArrayList<>();
        for (BackupHeader h : headers) {
            parts.add(RecordText.quote(h.key()) + "=" + RecordText.describe(h.value()));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    private void add(String difference) {
        if (!full()) {
            differences.add(difference);
        }
    }
}
