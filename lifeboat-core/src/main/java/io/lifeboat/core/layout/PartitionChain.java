package io.lifeboat.core.layout;

import io.lifeboat.core.layout.BackupCatalog.PartitionEntry;
import io.lifeboat.core.layout.BackupCatalog.SegmentEntry;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one rule, shared by the restore and {@code verify}, for what of a partition's backup can be
 * read: from a partition's segments (in offset order), its high-water mark and its recorded gaps, the
 * segments to read from a given offset on, and every break in the chain.
 *
 * <p>Walking the segments in offset order from {@code fromOffset}, a segment whose records all lie
 * before the next offset needed is not read (a replayed backup's overlap). A segment names the last
 * offset of its predecessor; when that offset lies at or after the next offset needed and neither a
 * stored segment nor a recorded gap ends there, a segment is missing ({@link Kind#OLDEST_DELETED} when
 * it is the oldest stored segment, so the ones before it were deleted). After the last segment, a
 * high-water mark at or after the next offset needed means the newest segments are missing. A
 * recorded gap is never a break: its offsets were never delivered to the backup, and the records
 * around it are restored.
 *
 * <p>A restore hands out the records of {@link #segmentsBeforeFirstBreak()} and then stops the
 * partition with {@link #firstBreak()}; {@code verify} reports every break as a problem.
 */
public final class PartitionChain {

    /** What is missing. */
    public enum Kind { MISSING_SEGMENT, OLDEST_DELETED, NEWEST_MISSING }

    /**
     * A break in the chain: offsets {@code firstMissing..lastMissing} are not in the backup.
     *
     * @param objectKey the segment that follows the missing ones, or the high-water object that
     *                  promises the newest ones
     */
    public record Break(Kind kind, TopicPartition partition, long firstMissing, long lastMissing, String objectKey,
                        String segmentRange) {

        /** What is wrong, naming the object and offsets. */
        public String describe() {
            if (kind == Kind.NEWEST_MISSING) {
                return "The backup of " + partition + " is missing its newest segments: " + objectKey
                        + " records offset " + lastMissing + " as stored, and no segment holds the records from offset "
                        + firstMissing + " to " + lastMissing;
            }
            return "The backup of " + partition + " is missing a segment: " + objectKey + " (" + segmentRange
                    + ") follows a segment that ended at offset " + lastMissing + ", and no segment ends there. Records "
                    + "from offset " + firstMissing + " to " + lastMissing + " are not in the backup"
                    + (kind == Kind.OLDEST_DELETED ? "; it is the oldest segment stored for this partition, so the "
                    + "segments before it were deleted (an expiry rule on the bucket?)" : "");
        }
    }

    private final TopicPartition partition;
    private final List<SegmentEntry> segments = new ArrayList<>();
    private final List<Break> breaks = new ArrayList<>();
    private final List<OffsetGap> gaps;
    private int segmentsBeforeFirstBreak = -1;

    private PartitionChain(TopicPartition partition, List<OffsetGap> gaps) {
        this.partition = partition;
        this.gaps = List.copyOf(gaps);
    }

    /**
     * @param entry      the partition in the catalog, or null when the catalog holds nothing of it
     * @param highWater  the backup's high-water mark of the partition, or null when it has none
     * @param fromOffset the first offset needed (0 for the whole partition; a resumed restore's next one)
     */
    public static PartitionChain of(TopicPartition partition, PartitionEntry entry, HighWaterMarks.Mark highWater,
                                    long fromOffset) {
        List<SegmentEntry> stored = entry == null ? List.of() : entry.segments();
        PartitionChain chain = new PartitionChain(partition, entry == null ? List.of() : entry.gaps());
        Set<Long> ends = new HashSet<>();
        stored.forEach(s -> ends.add(s.descriptor().lastOffset()));
        chain.gaps.forEach(g -> ends.add(g.lastMissing()));
        long next = fromOffset;
        for (SegmentEntry segment : stored) {
            SegmentDescriptor d = segment.descriptor();
            if (d.lastOffset() < next) {
                continue;
            }
            if (d.hasPrevious() && d.previousLastOffset() >= next && !ends.contains(d.previousLastOffset())) {
                chain.addBreak(new Break(segment == stored.get(0) ? Kind.OLDEST_DELETED : Kind.MISSING_SEGMENT,
                        partition, next, d.previousLastOffset(), segment.key(), d.describeRange()));
            }
            chain.segments.add(segment);
            next = d.lastOffset() + 1;
        }
        if (highWater != null && highWater.lastOffset() >= next) {
            chain.addBreak(new Break(Kind.NEWEST_MISSING, partition, next, highWater.lastOffset(),
                    highWater.objectKey(), null));
        }
        return chain;
    }

    private void addBreak(Break b) {
        if (breaks.isEmpty()) {
            segmentsBeforeFirstBreak = segments.size();
        }
        breaks.add(b);
    }

    public TopicPartition partition() {
        return partition;
    }

    /** The segments to read, in offset order, breaks or not. */
    public List<SegmentEntry> segments() {
        return List.copyOf(segments);
    }

    /** The segments whose records can be restored: those before the first break. */
    public List<SegmentEntry> segmentsBeforeFirstBreak() {
        return segmentsBeforeFirstBreak < 0 ? segments() : List.copyOf(segments.subList(0, segmentsBeforeFirstBreak));
    }

    /** Every break, in offset order. */
    public List<Break> breaks() {
        return List.copyOf(breaks);
    }

    public Optional<Break> firstBreak() {
        return breaks.stream().findFirst();
    }

    /** The partition's recorded gaps, in offset order: restored around, reported, never a break. */
    public List<OffsetGap> gaps() {
        return gaps;
    }
}
