package io.lifeboat.restore;

import io.lifeboat.core.metadata.MetadataSnapshot.CommittedOffset;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consumer groups to reposition on one restored partition and how far that has come. A group
 * committed at original offset {@code O} resumes, on the restored partition, at the first restored
 * record whose original offset is {@code >= O}: that record is the group's <em>translation point</em>;
 * a group with no such record resumes at the restored partition's end.
 *
 * <p>Invariant: a translation point is handed over as the last of its partition's records in a batch
 * (records of other partitions may follow it) and nothing of its partition after it is handed over
 * until its groups were committed in the target cluster, or, where that failed,
 * until their target offsets travel in the source offsets of the records after it
 * ({@link RestoreOffsets#GROUPS_UNCOMMITTED}). The target offset comes from the target cluster's
 * acknowledgement, never from counting (transaction markers take offsets too).
 */
final class PartitionGroups {

    private final TopicPartition source;
    private final TopicPartition target;
    /** Groups not yet translated, by their committed original offset (ascending). */
    private final TreeMap<Long, List<String>> untranslated = new TreeMap<>();
    private final Map<String, CommittedOffset> planned;
    /** Translated groups whose commit is still to succeed: group -> target offset. */
    private final TreeMap<String, Long> uncommitted = new TreeMap<>();
    private final TreeMap<String, Long> committed = new TreeMap<>();
    private final Deque<SourceRecord> heldBack = new ArrayDeque<>();
    private long pointOffset = -1;
    private List<String> pointGroups = List.of();
    private volatile long pointAck = -1;
    private final AtomicInteger unacknowledged = new AtomicInteger();
    private final AtomicLong lastAcknowledged = new AtomicLong(-1);

    /**
     * @param planned the groups' committed offsets on {@code source} in the snapshot
     * @param pending the groups of {@code planned} still to translate (the others are done)
     */
    PartitionGroups(TopicPartition source, TopicPartition target, Map<String, CommittedOffset> planned,
                    Iterable<String> pending) {
        this.source = source;
        this.target = target;
        this.planned = Map.copyOf(planned);
        for (String group : pending) {
            untranslated.computeIfAbsent(planned.get(group).offset(), o -> new ArrayList<>()).add(group);
        }
    }

    TopicPartition source() {
        return source;
    }

    TopicPartition target() {
        return target;
    }

    CommittedOffset planned(String group) {
        return planned.get(group);
    }

    /**
     * Of a batch in original offset order, what may be handed over now: up to and including the
     * first translation point; the rest is held back for {@link #nextHeldBack}. Marks the point as
     * awaiting its acknowledgement.
     */
    List<SourceRecord> cut(List<SourceRecord> batch) {
        if (untranslated.isEmpty() || batch.isEmpty()) {
            return batch;
        }
        long first = untranslated.firstKey();
        for (int i = 0; i < batch.size(); i++) {
            long offset = originalOffset(batch.get(i));
            if (offset >= first) {
                pointOffset = offset;
                pointAck = -1;
                pointGroups = new ArrayList<>();
                for (List<String> groups : untranslated.headMap(offset, true).values()) {
                    pointGroups.addAll(groups);
                }
                untranslated.headMap(offset, true).clear();
                for (int j = batch.size() - 1; j > i; j--) {
                    heldBack.addFirst(batch.get(j)); // before whatever is still held back: offset order stays
                }
                return batch.subList(0, i + 1);
            }
        }
        return batch;
    }

    /** Records held back by {@link #cut}, up to {@code max}, for the next hand-over. */
    List<SourceRecord> nextHeldBack(int max) {
        List<SourceRecord> next = new ArrayList<>();
        while (!heldBack.isEmpty() && next.size() < max) {
            next.add(heldBack.poll());
        }
        return next;
    }

    boolean hasHeldBack() {
        return !heldBack.isEmpty();
    }

    /** Whether a translation point was handed over and its groups are not yet dealt with. */
    boolean atPoint() {
        return pointOffset >= 0;
    }

    /** The point's target offset once acknowledged. */
    OptionalLong pointAcknowledged() {
        long ack = pointAck;
        return ack < 0 ? OptionalLong.empty() : OptionalLong.of(ack);
    }

    long pointOffset() {
        return pointOffset;
    }

    List<String> pointGroups() {
        return pointGroups;
    }

    /** {@code count} records of this partition were handed over to Connect. */
    void handedOver(int count) {
        unacknowledged.addAndGet(count);
    }

    /** The target cluster acknowledged a record of this partition (producer thread). */
    void acknowledged(long originalOffset, long targetOffset) {
        lastAcknowledged.accumulateAndGet(targetOffset, Math::max);
        if (originalOffset == pointOffset) {
            pointAck = targetOffset;
        }
        unacknowledged.decrementAndGet();
    }

    /** Records handed over and not acknowledged yet. */
    int unacknowledged() {
        return unacknowledged.get();
    }

    /** Target offset of the last record of this partition acknowledged in this run, -1 for none. */
    long lastAcknowledged() {
        return lastAcknowledged.get();
    }

    /** The point's groups were dealt with ({@link #committed} or {@link #uncommitted}): hand-over goes on. */
    void pointDone() {
        pointOffset = -1;
        pointGroups = List.of();
    }

    /** Groups that no restored record translates: they resume at the restored partition's end. */
    List<String> untranslatedGroups() {
        List<String> all = new ArrayList<>();
        untranslated.values().forEach(all::addAll);
        return all;
    }

    void clearUntranslated() {
        untranslated.clear();
    }

    void committed(String group, long targetOffset) {
        uncommitted.remove(group);
        committed.put(group, targetOffset);
    }

    void uncommitted(String group, long targetOffset) {
        uncommitted.put(group, targetOffset);
    }

    /** Translated groups not committed yet: group -> target offset. */
    Map<String, Long> uncommitted() {
        return uncommitted;
    }

    /** Groups committed in this run: group -> target offset. */
    Map<String, Long> committed() {
        return committed;
    }

    static long originalOffset(SourceRecord record) {
        return ((Number) record.sourceOffset().get(RestoreOffsets.OFFSET)).longValue();
    }
}
