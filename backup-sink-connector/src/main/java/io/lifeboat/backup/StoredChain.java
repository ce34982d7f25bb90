package io.lifeboat.backup;

import io.lifeboat.core.layout.AnchoredListing;
import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.OffsetGap;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the store holds of one partition when an assignment's first record arrives: its segments
 * (all of them, or those from a bound on) and, only when asked, its recorded gaps.
 *
 * <p>A resuming partition lists from a bound on ({@link #resume}, {@link AnchoredListing}): the
 * segments whose first offset is at or after the bound, never the pages before it. The first delivered
 * offset {@code F} is the anchor: the listing holds a segment that starts at or before {@code F}, and
 * it tells the resume ({@link ChainResume}, {@link PartitionBackup}) what the whole listing would: the
 * chain's end, the segment covering {@code F} or the end, the last segment before the first offset to
 * store (the next segment's predecessor link). A segment it does not see starts before the bound, so
 * it could change any of these only by overlapping a listed segment. Only two owners writing the same
 * offsets without seeing each other's segments make such overlaps (an upload that lands after the next
 * owner listed, see {@code BackupSinkTask.close}, or a zombie task), and the outcome is then the one of
 * that race with the whole listing: a further overlap, which a restore reads once. Nothing is lost
 * (commits follow the task's own uploads), and the predecessor link names a segment that exists. The
 * verdicts that stop the backup (a recreated topic) or record a gap are taken on the whole listing
 * ({@link #listWhole}).
 *
 * <p>The first bound, with {@code mark} the partition's high-water mark (a segment ends there; marks
 * lag the segments by up to an offset commit): {@code F} itself when {@code F <= mark} (segments
 * uploaded after a commit: one starts at the committed offset), else {@link AnchoredListing#FIRST_LOOK_BACK}
 * offsets below the mark (a hand-over: the committed offset follows the mark); the look-back is measured
 * below {@code min(F, mark)}. Without a mark (a partition never backed up, a set without marks) the
 * whole partition is listed.
 */
final class StoredChain {

    private final TopicPartition partition;
    private final ObjectStore store;
    private final BackupLayout layout;
    private List<SegmentDescriptor> segments;
    /** The first offset from which every segment was listed: 0 for the whole partition. */
    private long listedFrom;
    private long firstOffset;
    private long lastOffset;
    private long newestTimestamp;
    private List<OffsetGap> gaps;

    private StoredChain(TopicPartition partition, ObjectStore store, BackupLayout layout) {
        this.partition = partition;
        this.store = store;
        this.layout = layout;
    }

    /** Every segment of the partition: one listing of its folder. */
    static StoredChain load(TopicPartition partition, ObjectStore store, BackupLayout layout) throws IOException {
        StoredChain chain = new StoredChain(partition, store, layout);
        chain.listWhole();
        return chain;
    }

    /**
     * The partition's segments from a bound on that anchors {@code firstDelivered}, or all of them (see
     * the class comment).
     *
     * @param firstDelivered the first offset the assignment delivered
     * @param mark           the partition's high-water mark, empty when the backup set has none for it
     */
    static StoredChain resume(TopicPartition partition, ObjectStore store, BackupLayout layout, long firstDelivered,
                              OptionalLong mark) throws IOException {
        StoredChain chain = new StoredChain(partition, store, layout);
        if (mark.isEmpty()) {
            chain.listWhole();
            return chain;
        }
        long top = Math.min(firstDelivered, mark.getAsLong());
        long firstBound = firstDelivered <= mark.getAsLong() ? firstDelivered : top - AnchoredListing.FIRST_LOOK_BACK;
        List<SegmentDescriptor> listed = new ArrayList<>();
        long bound = AnchoredListing.stream(store, layout, partition, firstDelivered, firstBound, top,
                new AnchoredListing.Receiver() {
                    @Override
                    public void accept(StoredObject object) {
                        chain.layout.parseSegmentKey(object.key()).ifPresent(listed::add);
                    }

                    @Override
                    public void restart() {
                        listed.clear();
                    }
                });
        chain.use(listed, bound);
        return chain;
    }

    /** Lists every segment of the partition, unless that is what this chain holds already. */
    void listWhole() throws IOException {
        if (segments == null || listedFrom > 0) {
            List<SegmentDescriptor> listed = new ArrayList<>();
            store.forEachObject(layout.segmentsPrefix(partition), "",
                    object -> layout.parseSegmentKey(object.key()).ifPresent(listed::add));
            use(listed, 0);
        }
    }

    /** The segments listed (streamed, in any order) from {@code bound} on, in their keys' order. */
    private void use(List<SegmentDescriptor> listed, long bound) {
        listed.sort(BackupCatalog.SEGMENT_ORDER.thenComparing(layout::segmentKey, FilesystemObjectStore.KEY_ORDER));
        segments = List.copyOf(listed);
        listedFrom = bound;
        long first = SegmentDescriptor.NONE;
        long last = SegmentDescriptor.NONE;
        long newest = SegmentDescriptor.NONE;
        for (SegmentDescriptor segment : segments) {
            first = first == SegmentDescriptor.NONE ? segment.firstOffset() : Math.min(first, segment.firstOffset());
            last = Math.max(last, segment.lastOffset());
            newest = Math.max(newest, segment.maxTimestamp());
        }
        firstOffset = first;
        lastOffset = last;
        newestTimestamp = newest;
    }

    /** True when every segment of the partition was listed, false when only those from a bound on. */
    boolean whole() {
        return listedFrom == 0;
    }

    /** The first offset from which every segment was listed (0: all of them). */
    long listedFrom() {
        return listedFrom;
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    List<SegmentDescriptor> segments() {
        return segments;
    }

    /** First offset of the listed segments, or {@link SegmentDescriptor#NONE}. */
    long firstOffset() {
        return firstOffset;
    }

    /** Last offset of the listed segments (the chain's end), or {@link SegmentDescriptor#NONE}. */
    long lastOffset() {
        return lastOffset;
    }

    /** Largest record timestamp of the listed segments, or {@link SegmentDescriptor#NONE}. */
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

    /** "offsets 1000..1999" of the listed segments, for messages. */
    String describe() {
        return "offsets " + firstOffset + ".." + lastOffset;
    }
}
