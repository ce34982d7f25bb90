package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.OpenSpoolFiles;
import io.lifeboat.core.segment.RecordEncoder;
import io.lifeboat.core.segment.SegmentSpool;
import io.lifeboat.core.storage.ObjectStore;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The backup of one partition while a task holds it: from {@code open()} to {@code close()}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>every offset below {@link #committableOffset()} is in a durable segment (or was never
 *       delivered, such as a transaction marker);</li>
 *   <li>records that segments in the store already hold are not written again: after the task
 *       (re)starts, the first records it receives are checked against the partition's segments
 *       and skipped while a segment covers their offset and timestamp (a restart between upload
 *       and offset commit);</li>
 *   <li>a record delivered twice in a row (Connect re-delivers a batch after a retriable error) is
 *       appended once;</li>
 *   <li>after an assignment, nothing is appended before the stored chain is joined
 *       ({@link ChainResume}): the first record checked is the chain's last stored offset (the
 *       consumer is rewound to it), and offsets that are gone from the topic are recorded as a gap
 *       before the segment that follows them;</li>
 *   <li>a first record at or below the chain's end that no stored segment holds is appended only
 *       when a recorded gap covers it, or when it precedes the chain and is no newer than its
 *       newest record (an operator's reset to older records of the same topic); otherwise the
 *       topic was created again and the backup of the partition stops ({@link ChainResume}).</li>
 * </ul>
 */
final class PartitionBackup {

    private final TopicPartition partition;
    private final Path spoolDir;
    private final OpenSpoolFiles openFiles;
    private final ObjectStore store;
    private final BackupLayout layout;
    private final ChainResume resume;
    private final ResumeMarks marks;

    /** What the store held of the partition when the first record arrived; null before that and after catch-up. */
    private StoredChain stored;
    private boolean caughtUp;
    private long previousLastOffset = SegmentDescriptor.NONE;
    private volatile long lastSeenOffset = -1;
    /**
     * For the metrics only: the first offset this task appended (everything before it was stored
     * before, or is not in the topic), and that record's timestamp; -1 and NONE before the first.
     */
    private volatile long firstAppendedOffset = -1;
    private volatile long firstAppendedTimestamp = SegmentDescriptor.NONE;
    private final PartitionUploads uploads;
    private SegmentSpool spool;

    /** @param marks the backup set's high-water marks, shared by the partitions of one assignment */
    PartitionBackup(TopicPartition partition, Path spoolDir, OpenSpoolFiles openFiles, ObjectStore store,
                    BackupLayout layout, ResumeMarks marks) {
        this.partition = partition;
        this.spoolDir = spoolDir;
        this.openFiles = openFiles;
        this.store = store;
        this.layout = layout;
        this.resume = new ChainResume(partition, store, layout);
        this.marks = marks;
        this.uploads = new PartitionUploads(partition);
    }

    /** The first offset this task appended (for the metrics; -1 before the first). */
    long firstAppendedOffset() {
        return firstAppendedOffset;
    }

    /** The timestamp of the record at {@link #firstAppendedOffset} (its receipt time without one). */
    long firstAppendedTimestamp() {
        return firstAppendedTimestamp;
    }

    /** The last offset this task received of the partition, or -1 (read by the metrics too). */
    long lastSeenOffset() {
        return lastSeenOffset;
    }

    /** The partition's sealed segments on their way to the store. */
    PartitionUploads uploads() {
        return uploads;
    }

    TopicPartition partition() {
        return partition;
    }

    void append(BackupRecord record, RecordEncoder encoder, long nowMillis) throws IOException {
        long offset = record.offset();
        if (offset <= lastSeenOffset) {
            return;
        }
        if (!caughtUp) {
            if (!resume.joined() && resume.skip(offset, record.timestamp(), storedChain(offset), nowMillis)) {
                return;
            }
            if (isAlreadyStored(offset, record.timestamp())) {
                lastSeenOffset = offset;
                uploads.alreadyStored(offset + 1, -1);
                return;
            }
        }
        try {
            if (spool == null) {
                spool = new SegmentSpool(spoolDir, partition, previousLastOffset, nowMillis, openFiles);
            }
            spool.append(record, encoder);
            if (firstAppendedOffset < 0) {
                firstAppendedTimestamp = record.timestamp() == null || record.timestamp() < 0 ? nowMillis
                        : record.timestamp();
                firstAppendedOffset = offset;
            }
        } catch (IOException e) {
            discard();
            throw SpoolFailure.of(e, spoolDir, "Cannot write offset " + offset + " of " + partition
                    + " to the local spool");
        }
        lastSeenOffset = offset;
    }

    /**
     * The offset to rewind this partition's consumer to, once, after a put() that skipped its records
     * to check the stored chain ({@link ChainResume}); empty otherwise.
     */
    OptionalLong takeRewind() {
        return resume.takeRewind();
    }

    /** The open segment, if any. */
    Optional<SegmentSpool> openSegment() {
        return Optional.ofNullable(spool);
    }

    /**
     * Seals the open segment and hands it to {@code uploader}: its descriptor (with the previous
     * segment's last offset) is fixed now, and the next segment follows it. Cheap: no encoding, no I/O.
     */
    void seal(SegmentUploader uploader) {
        if (spool == null) {
            return;
        }
        SegmentSpool sealed = spool;
        spool = null;
        previousLastOffset = sealed.lastOffset();
        uploader.submit(uploads, sealed);
    }

    /**
     * The offset to commit to Kafka: everything before it is durable. Empty when nothing is yet. It is
     * the first offset of the oldest segment not in the store (waiting, in flight, or open).
     */
    OptionalLong committableOffset() {
        OptionalLong waiting = uploads.firstWaitingOffset();
        if (waiting.isPresent()) {
            return waiting;
        }
        if (spool != null && spool.recordCount() > 0) {
            return OptionalLong.of(spool.firstOffset());
        }
        long durableNext = uploads.durableNextOffset();
        return durableNext < 0 ? OptionalLong.empty() : OptionalLong.of(durableNext);
    }

    /**
     * The last offset of the partition known to be in a segment in the store; empty when none is known.
     * Only segments whose predecessors are all in the store count (they are uploaded in order).
     */
    OptionalLong lastStoredOffset() {
        long last = uploads.lastStoredOffset();
        return last < 0 ? OptionalLong.empty() : OptionalLong.of(last);
    }

    /**
     * Drops the open segment and the sealed ones not yet uploading (none was durable, so their
     * records will be consumed again); an upload in flight may still finish.
     */
    void discard(SegmentUploader uploader) {
        if (uploader != null) {
            uploader.abandon(uploads);
        }
        discard();
    }

    /** Drops the open segment (it was not durable, so its records will be consumed again). */
    void discard() {
        if (spool != null) {
            SegmentSpool dropped = spool;
            spool = null;
            try {
                dropped.close();
            } catch (IOException e) {
                // the spool file is in the task's own folder, removed when the task stops
            }
        }
    }

    /**
     * True when a segment in the store already holds {@code offset}. A segment that covers the
     * offset but whose timestamp range does not admit the record's timestamp means the partition
     * now holds other records at the same offsets: the topic was deleted and created again. Mixing
     * both in one backup set would make a restore interleave them, so that is an error.
     */
    private boolean isAlreadyStored(long offset, Long timestamp) throws IOException {
        StoredChain chain = storedChain(offset);
        Optional<SegmentDescriptor> covering = chain.segmentCovering(offset);
        if (covering.isPresent()) {
            SegmentDescriptor segment = covering.get();
            if (!admitsTimestamp(segment, timestamp)) {
                throw ChainResume.recreated(partition, "Offset " + offset + " of " + partition + " (timestamp "
                        + timestamp + ") is already in the backup, in segment " + layout.segmentKey(segment)
                        + " of records with timestamps " + segment.minTimestamp() + ".." + segment.maxTimestamp());
            }
            previousLastOffset = Math.max(previousLastOffset, segment.lastOffset());
            uploads.alreadyStored(-1, segment.lastOffset());
            return true;
        }
        for (SegmentDescriptor segment : chain.segments()) {
            if (segment.lastOffset() < offset) {
                previousLastOffset = Math.max(previousLastOffset, segment.lastOffset());
            }
        }
        stored = null;
        caughtUp = true;
        return false;
    }

    private static boolean admitsTimestamp(SegmentDescriptor segment, Long timestamp) {
        if (timestamp == null || timestamp < 0) {
            return true;
        }
        return segment.minTimestamp() != SegmentDescriptor.NONE
                && timestamp >= segment.minTimestamp() && timestamp <= segment.maxTimestamp();
    }

    /**
     * The partition's segments in the store, listed once per assignment, from a bound that anchors the
     * first delivered offset on ({@link StoredChain#resume}).
     */
    private StoredChain storedChain(long firstDelivered) throws IOException {
        if (stored == null) {
            stored = StoredChain.resume(partition, store, layout, firstDelivered, marks.lastStored(partition));
        }
        return stored;
    }
}
