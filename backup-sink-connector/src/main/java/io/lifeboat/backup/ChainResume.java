package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.OffsetGap;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.ObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * How a partition's backup joins the chain of segments already in the store after an assignment.
 *
 * <p>The first record a new assignment delivers must be the chain's last stored offset {@code L}
 * itself (or an offset before it), so that its identity can be checked against the segment that
 * holds it (offset and timestamp range, {@link PartitionBackup}). When the first delivered record
 * lies above {@code L}, the records of that batch are skipped and, once the batch went through
 * without an error, the consumer is rewound to {@code L} ({@link #takeRewind}), once per assignment:
 * <ul>
 *   <li>the rewind delivers {@code L} (or earlier): the usual check follows; a topic deleted and
 *       created again whose record at {@code L} has a timestamp outside the stored segment's range
 *       stops the backup instead of being appended to the old chain;</li>
 *   <li>the rewind delivers {@code N > L + 1} first: record {@code L} and the offsets up to
 *       {@code N - 1} are gone from the topic (retention, {@code deleteRecords}, compaction). The
 *       hole {@code L+1..N-1} is written as a gap object ({@link OffsetGap}) before anything after
 *       it is stored, with a WARN, and the backup goes on;</li>
 *   <li>the rewind delivers {@code L + 1} first: record {@code L} is gone but nothing is missing; the
 *       backup goes on (the identity of the topic could not be checked).</li>
 * </ul>
 * The rewind is requested only after a put() that did not fail, because Connect delivers a failed
 * batch again before it seeks: the first batch after the request is then the rewound one.
 *
 * <p>Limits: a new incarnation whose record at {@code L} has a timestamp inside the stored
 * segment's range is not detected (that needs the topic ID from the source cluster's admin API); nor
 * is a hole made while a task holds the partition (a consumer reset or retention overtaking the
 * running backup): only the first records after an assignment are checked. When record {@code L}
 * is gone, offsets after it that only held transaction markers, aborted or compacted records are
 * recorded as part of the gap: the consumer cannot tell them from deleted records. A partition with
 * no stored segment has no chain to continue, so nothing is recorded before its first record.
 */
final class ChainResume {

    private static final Logger log = LoggerFactory.getLogger(ChainResume.class);

    private enum State { FIRST_RECORD, REWIND_PENDING, REWOUND, JOINED }

    private final TopicPartition partition;
    private final ObjectStore store;
    private final BackupLayout layout;
    private State state = State.FIRST_RECORD;
    private long chainEnd = SegmentDescriptor.NONE;

    ChainResume(TopicPartition partition, ObjectStore store, BackupLayout layout) {
        this.partition = partition;
        this.store = store;
        this.layout = layout;
    }

    /** True once records are appended normally; the stored chain no longer needs to be known. */
    boolean joined() {
        return state == State.JOINED;
    }

    /**
     * Decides about a record delivered before the chain is joined.
     *
     * @param chainEnd  last offset of the partition's stored segments, or {@link SegmentDescriptor#NONE}
     * @param timestamp the record's timestamp (for a gap object), or null
     * @return true when the record is to be skipped (it comes again after the rewind)
     */
    boolean skip(long offset, Long timestamp, long chainEnd, long nowMillis) throws IOException {
        this.chainEnd = chainEnd;
        if (chainEnd == SegmentDescriptor.NONE || offset <= chainEnd) {
            state = State.JOINED;
            return false;
        }
        switch (state) {
            case FIRST_RECORD, REWIND_PENDING -> {
                if (state == State.FIRST_RECORD) {
                    log.debug("{}: first record delivered is offset {}, after the last stored offset {}; rewinding "
                            + "to {} to check that the topic still holds the records the backup stored", partition,
                            offset, chainEnd, chainEnd);
                }
                state = State.REWIND_PENDING;
                return true;
            }
            case REWOUND -> {
                if (offset > chainEnd + 1) {
                    recordGap(new OffsetGap(partition, chainEnd + 1, offset - 1), timestamp, nowMillis);
                } else {
                    log.info("{}: offset {}, the last one stored, is no longer in the topic (retention or "
                            + "compaction); the backup goes on at offset {}", partition, chainEnd, offset);
                }
                state = State.JOINED;
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    /** The offset to rewind the consumer to, once, after a put() that skipped records; else empty. */
    OptionalLong takeRewind() {
        if (state != State.REWIND_PENDING) {
            return OptionalLong.empty();
        }
        state = State.REWOUND;
        return OptionalLong.of(chainEnd);
    }

    private void recordGap(OffsetGap gap, Long nextTimestamp, long nowMillis) throws IOException {
        String key = layout.gapKey(gap);
        store.put(key, gap.content(nextTimestamp == null ? -1 : nextTimestamp, nowMillis));
        log.warn("{}: offsets {}..{} are no longer in the topic and were never backed up: records were deleted "
                + "before the backup read them (it lagged past the topic's retention, or they were deleted or "
                + "compacted away). Recorded the hole as {}; the backup goes on at offset {}", partition,
                gap.firstMissing(), gap.lastMissing(), key, gap.lastMissing() + 1);
    }
}
