package io.lifeboat.restore;

import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.PartitionChain;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.layout.TimeRange;
import io.lifeboat.core.segment.BackupHeader;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.CorruptSegmentException;
import io.lifeboat.core.segment.SegmentFetcher;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The restore of one backed-up partition into the partition of the same number of its target
 * topic.
 *
 * <p>Invariants: records are handed out in ascending original offset, each offset at most once
 * (overlapping segments of a replayed backup are read past); a segment is verified whole before any
 * of its records is handed out; a segment that is corrupt, missing, or preceded by a missing one
 * stops the partition there, and nothing after that point is handed out; so does a partition whose
 * stored segments end before its high-water mark (its newest segments are gone). Which segments are read
 * and where the partition stops is {@link PartitionChain}'s rule, the one {@code verify} applies too.
 * With a time range, only the records between its cuts are handed out ({@link PointInTimeCut}):
 * segments before the start cut are not downloaded, nothing after the end cut is read, and a break
 * after the end cut does not stop the partition (a break before it does: the missing records may be
 * in the range, or hold a cut).
 * Segments come from a {@link SegmentPrefetcher.Source}, which may have fetched them ahead (those of
 * {@link #plannedSegments}); a segment fetched ahead that is not read is deleted unread.
 * The last record of the partition carries {@code complete=true} in its source offset. A read that
 * fails for another reason (the store is busy or unreachable) leaves the restore where it was: the
 * next {@link #poll} tries the same segment again. So does a segment not fetched within the wait the
 * caller's {@link PollBudget} allows: the batch ends there, and the record read last before it is
 * held until the next segment tells whether it is the partition's last.
 */
final class PartitionRestore {

    /** Bytes of keys, values and headers after which a batch is handed over, whatever its count. */
    static final long MAX_BATCH_BYTES = 16L * 1024 * 1024;

    private final TopicPartition source;
    private final String targetTopic;
    private final List<BackupCatalog.SegmentEntry> entries;
    private final List<SegmentDescriptor> segments;
    private final PartitionChain.Break stop;
    private final SegmentPrefetcher.Source fetcher;
    private final Map<String, Object> sourcePartition;
    private final long resumedAfter;
    private final PointInTimeCut cut;
    private int nextSegment;
    private long nextOffset;
    private SegmentFetcher.FetchedSegment current;
    private SegmentDescriptor fetching;
    private BackupRecord peeked;
    private IOException deferredFailure;
    private boolean stalled;
    private volatile boolean complete;
    private volatile long restored;
    private volatile long lastHandedOut;

    /**
     * @param chain the partition's chain from the offset after {@code progress}: the segments to read and
     *              the break, if any, where the partition stops
     * @param range the records to restore by timestamp ({@link TimeRange#ALL} for all)
     */
    PartitionRestore(TopicPartition source, String targetTopic, PartitionChain chain,
                     RestoreOffsets.Progress progress, TimeRange range, SegmentPrefetcher.Source fetcher) {
        this.source = source;
        this.targetTopic = targetTopic;
        this.entries = chain.segmentsBeforeFirstBreak();
        this.segments = entries.stream().map(BackupCatalog.SegmentEntry::descriptor).toList();
        this.stop = chain.firstBreak().orElse(null);
        this.fetcher = fetcher;
        this.sourcePartition = RestoreOffsets.sourcePartition(source);
        this.resumedAfter = progress.lastRestoredOffset();
        this.nextOffset = resumedAfter + 1;
        this.lastHandedOut = resumedAfter;
        this.cut = new PointInTimeCut(range, resumedAfter, progress.startCut());
        this.complete = progress.complete();
    }

    /**
     * The segments this restore will ask for, in order, as far as the catalog tells: the rule of
     * {@link #nextSegment} with each segment assumed read to its last offset. Leaves out every segment
     * read past by offset or before the time range's start ({@link PointInTimeCut#skips}; reading may
     * pass the start sooner than the plan assumes, and then skips fewer segments than it, never more: a
     * segment the restore skips is never in the plan), and ends
     * with the first segment holding a record at or after the end time, since the end cut is in it or
     * before it: nothing after the end cut is fetched. Empty when complete.
     */
    List<BackupCatalog.SegmentEntry> plannedSegments() {
        List<BackupCatalog.SegmentEntry> plan = new ArrayList<>();
        if (complete) {
            return plan;
        }
        long next = nextOffset;
        for (BackupCatalog.SegmentEntry entry : entries) {
            SegmentDescriptor segment = entry.descriptor();
            if (segment.lastOffset() < next) {
                continue;
            }
            next = segment.lastOffset() + 1;
            if (cut.skips(segment)) {
                continue;
            }
            plan.add(entry);
            if (cut.range().atOrAfterEnd(segment.maxTimestamp())) {
                break; // a record at or after the end: the end cut is in this segment or before
            }
        }
        return plan;
    }

    TopicPartition source() {
        return source;
    }

    String targetTopic() {
        return targetTopic;
    }

    /** The last offset restored before this run (-1 for none). */
    long resumedAfter() {
        return resumedAfter;
    }

    boolean isComplete() {
        return complete;
    }

    long restoredRecords() {
        return restored;
    }

    /** The last original offset handed over to Connect (-1 for none), read by the metrics too. */
    long lastHandedOut() {
        return lastHandedOut;
    }

    /**
     * Offsets of the backup set still to hand over, as far as the catalog tells (the last stored offset of
     * the partition minus the last one handed over; a time range may end the restore sooner); 0 when complete.
     */
    long remainingOffsets() {
        if (complete || segments.isEmpty()) {
            return 0;
        }
        return Math.max(0, segments.get(segments.size() - 1).lastOffset() - lastHandedOut);
    }

    /**
     * For the completion log line: the offsets restored and where the time range's cuts fell; empty
     * without a time range.
     */
    String cutReport() {
        return cut.range().bounded() ? cut.describe(source, lastHandedOut) : "";
    }

    /**
     * Up to {@code max} records (and about {@link #MAX_BATCH_BYTES}) for Connect to write, in
     * order, waiting for segments as long as they take; empty when complete.
     */
    List<SourceRecord> poll(int max) throws IOException {
        return poll(max, PollBudget.waitingAlways(max, MAX_BATCH_BYTES));
    }

    /**
     * Up to {@code max} records for Connect to write, in order, within what {@code budget} leaves
     * (it is charged for them). Fewer, even none, when a segment to read is not fetched within the
     * budget's wait ({@link #waitingForSegment()}: the next call reads on from there); empty and
     * complete when the partition has no more records.
     */
    List<SourceRecord> poll(int max, PollBudget budget) throws IOException {
        if (deferredFailure != null) {
            IOException failure = deferredFailure;
            deferredFailure = null; // thrown once; the next poll reads on from where it failed
            throw failure;
        }
        List<SourceRecord> batch = new ArrayList<>();
        while (!complete && batch.size() < max && budget.left()) {
            BackupRecord record = peeked != null ? peeked : nextRecord(budget.waitMs());
            peeked = null;
            if (record == null) {
                complete = !stalled;
                break;
            }
            BackupRecord next;
            try {
                next = nextRecord(budget.waitMs());
            } catch (CorruptSegmentException e) {
                // fatal: everything before the fault goes out (the task's failure says so), then it stops
                deferredFailure = e;
                batch.add(toSourceRecord(record, false));
                budget.take(size(record));
                break;
            } catch (IOException e) {
                // Transient: whether the record is the partition's last is known only once the retry reads
                // the next one, so it waits for that (handed over without the flag, a last record would never
                // complete the partition when the retry finds nothing more). The records before it go now.
                peeked = record;
                if (batch.isEmpty()) {
                    throw e;
                }
                deferredFailure = e;
                break;
            }
            if (next == null && stalled) {
                peeked = record; // whether it is the last record is known once the next segment is read
                break;
            }
            peeked = next;
            complete = peeked == null;
            batch.add(toSourceRecord(record, complete));
            budget.take(size(record));
        }
        restored += batch.size();
        if (!batch.isEmpty()) {
            lastHandedOut = (Long) batch.get(batch.size() - 1).sourceOffset().get(RestoreOffsets.OFFSET);
        }
        if (complete) {
            closeCurrent();
            fetcher.finished();
        }
        return batch;
    }

    /** Whether the last poll stopped at a segment not fetched yet. */
    boolean waitingForSegment() {
        return stalled;
    }

    private static long size(BackupRecord record) {
        long size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        for (BackupHeader header : record.headers()) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    void close() throws IOException {
        closeCurrent();
    }

    /**
     * The next record to hand out, or null at the end of the partition or at the end cut, or (with
     * {@link #stalled} set) when the segment to read next is not fetched within {@code waitMs}.
     */
    private BackupRecord nextRecord(long waitMs) throws IOException {
        stalled = false;
        while (!cut.ended()) {
            if (current == null) {
                if (fetching == null) {
                    fetching = nextSegment();
                    if (fetching == null) {
                        return null;
                    }
                }
                current = fetcher.fetch(fetching, waitMs); // on failure, fetching stays: the next call tries it again
                if (current == null) {
                    stalled = true; // not fetched yet: fetching stays, the next call asks again
                    return null;
                }
                fetching = null;
            }
            BackupRecord record = current.reader().next();
            if (record == null) {
                closeCurrent();
                continue;
            }
            if (record.offset() >= nextOffset) {
                nextOffset = record.offset() + 1;
                PointInTimeCut.Verdict verdict = cut.classify(record);
                if (verdict == PointInTimeCut.Verdict.RESTORE) {
                    return record;
                }
                if (verdict == PointInTimeCut.Verdict.END) {
                    closeCurrent();
                }
            }
        }
        return null;
    }

    private SegmentDescriptor nextSegment() throws CorruptSegmentException {
        while (nextSegment < segments.size()) {
            SegmentDescriptor segment = segments.get(nextSegment++);
            if (segment.lastOffset() < nextOffset) {
                continue;
            }
            if (cut.skips(segment)) {
                nextOffset = segment.lastOffset() + 1; // its records, in this copy or another, are before the start
                continue;
            }
            return segment;
        }
        if (stop != null) {
            throw new CorruptSegmentException(stop.describe() + ". Everything before offset " + stop.firstMissing()
                    + " was written to " + targetTopic + "-" + source.partition() + ", nothing from it on"
                    + (stop.kind() == PartitionChain.Kind.NEWEST_MISSING ? ". If this store is a copy of the backup "
                    + "set that is still catching up (replication, sync), wait for it; to restore only what it "
                    + "holds, delete " + stop.objectKey() + " and restart the task" : ""));
        }
        return null;
    }

    private SourceRecord toSourceRecord(BackupRecord record, boolean last) {
        ConnectHeaders headers = new ConnectHeaders();
        for (BackupHeader header : record.headers()) {
            headers.add(header.key(), header.value(), Schema.OPTIONAL_BYTES_SCHEMA);
        }
        return new SourceRecord(sourcePartition, RestoreOffsets.sourceOffset(record.offset(), last, cut.startCut(),
                        last ? cut.endCut() : OptionalLong.empty()),
                targetTopic, source.partition(), Schema.OPTIONAL_BYTES_SCHEMA, record.key(),
                Schema.OPTIONAL_BYTES_SCHEMA, record.value(), record.timestamp(), headers);
    }

    private void closeCurrent() throws IOException {
        if (current != null) {
            SegmentFetcher.FetchedSegment segment = current;
            current = null;
            segment.close();
        }
    }
}
