package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.OffsetGap;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the store holds of one partition when an assignment's first record arrives: its segments
 * (listed once) and, only when asked, its recorded gaps.
 */
final class StoredChain {

    private final TopicPartition partition;
    private final ObjectStore store;
    private final BackupLayout layout;
    private final List<SegmentDescriptor> segments;
    private final long firstOffset;
    private final long lastOffset;
    private final long newestTimestamp;
    private List<OffsetGap> gaps;

    private StoredChain(TopicPartition partition, ObjectStore store, BackupLayout layout,
                        List<SegmentDescriptor> segments) {
        this.partition = partition;
        this.store = store;
        this.layout = layout;
        this.segments = segments;
        long first = SegmentDescriptor.NONE;
        long last = SegmentDescriptor.NONE;
        long newest = SegmentDescriptor.NONE;
        for (SegmentDescriptor segment : segments) {
            first = first == SegmentDescriptor.NONE ? segment.firstOffset() : Math.min(first, segment.firstOffset());
            last = Math.max(last, segment.lastOffset());
            newest = Math.max(newest, segment.maxTimestamp());
        }
        this.firstOffset = first;
        this.lastOffset = last;
        this.newestTimestamp = newest;
    }

    static StoredChain load(TopicPartition partition, ObjectStore store, BackupLayout layout) throws IOException {
        List<SegmentDescriptor> segments = new ArrayList<>();
        for (StoredObject object : store.list(layout.segmentsPrefix(partition))) {
            layout.parseSegmentKey(object.key()).ifPresent(segments::add);
        }
        return new StoredChain(partition, store, layout, List.copyOf(segments));
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    List<SegmentDescriptor> segments() {
        return segments;
    }

    /** First offset of the stored segments, or {@link SegmentDescriptor#NONE}. */
    long firstOffset() {
        return firstOffset;
    }

    /** Last offset of the stored segments (the chain's end), or {@link SegmentDescriptor#NONE}. */
    long lastOffset() {
        return lastOffset;
    }

    /** Largest record timestamp of the stored segments, or {@link SegmentDescriptor#NONE}. */
    long newestTimestamp() {
        return newestTimestamp;
    }

    Optional<SegmentDescriptor> segmentCovering(long offset) {
        return segments.stream().filter(segment -> segment.covers(offset)).findFirst();
    }

    /** True when a gap object of the partition covers {@code offset}; lists the gaps on first use. */
    boolean gapCovers(long offset) throws IOException {
        if (gaps == null) {
            List<OffsetGap> found = new ArrayList<>();
            for (StoredObject object : store.list(layout.gapsPrefix(partition))) {
                layout.parseGapKey(object.key()).ifPresent(found::add);
            }
            gaps = List.copyOf(found);
        }
        return gaps.stream().anyMatch(gap -> offset >= gap.firstMissing() && offset <= gap.lastMissing());
    }

    /** "offsets 1000..1999" of the stored segments, for messages. */
    String describe() {
        return "offsets " + firstOffset + ".." + lastOffset;
    }
}
