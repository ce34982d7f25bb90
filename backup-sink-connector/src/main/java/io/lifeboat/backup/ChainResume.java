package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.OffsetGap;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.ObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * How a partition's backup joins the chain of segments already in the store after an assignment,
 * and how it tells the topic it backed up from a topic of the same name deleted and created again.
 *
 * <p>The first record a new assignment delivers must be the chain's last stored offset {@code L}
 * itself (or an offset before it), so that its identity can be checked against the segment that
 * holds it (offset and timestamp range, {@link PartitionBackup}). When the first delivered record,
 * {@code F}, lies above {@code L}, the records of that batch are skipped and, once the batch went
 * through without an error, the consumer is rewound to {@code L} ({@link #takeRewind}), once per
 * assignment. The topic demonstrably held {@code F}: it was delivered.
 *
 * <p>The first record of an assignment at or below {@code L}:
 * <ul>
 *   <li>in a stored segment: joins; its timestamp must fall in the segment's timestamp range
 *       ({@link PartitionBackup}). This is a restart between upload and offset commit, or an
 *       operator's reset of the group to records the backup holds;</li>
 *   <li>in a recorded gap ({@link OffsetGap}): joins, the operator backs up what the backup had
 *       recorded as missing;</li>
 *   <li>below the first stored offset, with a timestamp no later than the newest stored record's
 *       (or when the record or the stored segments have no timestamps): joins; an operator's reset to older records of the same topic, which the backup
 *       had started after;</li>
 *   <li>below the first stored offset with a later timestamp than every stored record, or between
 *       stored segments outside any recorded gap (offsets the topic never delivered to the backup):
 *       a new incarnation of the topic. The backup of the partition stops with a
 *       {@link ConnectException} and stores nothing of it.</li>
 * </ul>
 * The first record after the rewind to {@code L}:
 * <ul>
 *   <li>{@code L}: the usual check follows; a new incarnation whose record at {@code L} has a
 *       timestamp outside the stored segment's range stops the backup;</li>
 *   <li>below {@code L}: the consumer was positioned at {@code L}, so the topic's offsets started
 *       over: a new incarnation, the backup stops;</li>
 *   <li>{@code L + 1}: record {@code L} is gone but nothing is missing; the backup goes on (the
 *       identity of the topic could not be checked);</li>
 *   <li>{@code N} with {@code L + 1 < N <= F}: record {@code L} and the offsets up to {@code N - 1}
 *       are gone from the topic (retention, {@code deleteRecords}, compaction). The hole
 *       {@code L+1..N-1} is written as a gap object before anything after it is stored, with a WARN,
 *       and the backup goes on. A gap therefore never reaches past {@code F - 1};</li>
 *   <li>{@code N > F}: the consumer skipped records the topic held. That is what
 *       {@code auto.offset.reset=latest} does when {@code L} is gone: it jumps to the partition's end.
 *       The backup stops with a {@link ConnectException} naming {@code auto.offset.reset}, rather
 *       than rewinding to {@code F} again (with {@code latest} that can overshoot again whenever
 *       {@code F} ages out, and the offsets between {@code L} and {@code F} would be a guessed gap).
 *       Nothing past the stored chain was committed, so after the fix a restart loses nothing. With
 *       {@code earliest}, this happens only when retention deletes {@code F} between the two reads;
 *       a restart then resumes normally.</li>
 * </ul>
 * The rewind is requested only after a put() that did not fail, because Connect delivers a failed
 * batch again before it seeks: the first batch after the request is then the rewound one.
 *
 * <p>The stored chain is listed from a bound that anchors the first delivered offset on, not whole
 * ({@link StoredChain#resume}: a resuming partition lists about the segments from its committed offset
 * on). "The chain's end" {@code L} is that listing's; the two verdicts a partial listing could get wrong
 * are taken on the whole listing: a recreated topic (a first record at or below {@code L} in no listed
 * segment) and a gap after the rewind (a segment that starts before the bound may end after {@code L};
 * the backup then goes on after its end, and only the offsets after it can be a gap).
 *
 * <p>Limits:
 * <ul>
 *   <li>a new incarnation is not detected when its first record is in a stored segment with a
 *       timestamp inside that segment's range, or below the first stored offset with a timestamp no
 *       later than the newest stored record's (producer-set timestamps copied from the old topic, for
 *       example by a restore into the new topic, or clocks set back), or when record {@code L} is gone
 *       from it too (it lost its first records to retention): that needs the topic ID from the
 *       source cluster's admin API;</li>
 *   <li>a record of the same topic below the first stored offset whose producer-set timestamp is
 *       later than every stored record's is taken for a new incarnation (the backup stops; it does
 *       not store it);</li>
 *   <li>records between stored segments that no gap object records are taken for a new incarnation.
 *       The same topic can hold such records only after a hole made while a task held the partition
 *       (below): resetting the group into that hole is refused;</li>
 *   <li>a hole made while a task holds the partition (a consumer reset, or retention overtaking the
 *       running backup) is not recorded: only the first records after an assignment are checked;</li>
 *   <li>with {@code auto.offset.reset=latest} set worker-wide ({@code consumer.auto.offset.reset},
 *       which validation cannot see), a committed offset that is itself gone makes the consumer start
 *       at the partition's end, which becomes {@code F}: the records before it are recorded as a gap
 *       although the topic may hold some. Keep the worker's default, {@code earliest};</li>
 *   <li>when record {@code L} is gone, offsets after it that only held transaction markers, aborted
 *       or compacted records are recorded as part of the gap: the consumer cannot tell them from
 *       deleted records;</li>
 *   <li>a partition with no stored segment has no chain to continue, so nothing is recorded or
 *       checked before its first record.</li>
 * </ul>
 */
final class ChainResume {

    private static final Logger log = LoggerFactory.getLogger(ChainResume.class);

    private enum State { FIRST_RECORD, REWIND_PENDING, REWOUND, JOINED }

    private final TopicPartition partition;
    private final ObjectStore store;
    private final BackupLayout layout;
    private State state = State.FIRST_RECORD;
    private long chainEnd = SegmentDescriptor.NONE;
    /** The first offset delivered before the rewind: the topic held it. */
    private long firstSkipped = SegmentDescriptor.NONE;

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
     * @param chain     the partition's stored segments
     * @param timestamp the record's timestamp, or null
     * @return true when the record is to be skipped (it comes again after the rewind)
     * @throws ConnectException when the record belongs to another incarnation of the topic, or the
     *                          consumer skipped records the topic holds
     */
    boolean skip(long offset, Long timestamp, StoredChain chain, long nowMillis) throws IOException {
        if (chain.isEmpty()) {
            state = State.JOINED;
            return false;
        }
        chainEnd = chain.lastOffset();
        switch (state) {
            case FIRST_RECORD, REWIND_PENDING -> {
                if (offset <= chainEnd) {
                    requireSameTopic(offset, timestamp, chain);
                    state = State.JOINED;
                    return false;
                }
                if (state == State.FIRST_RECORD) {
                    log.debug("{}: first record delivered is offset {}, after the last stored offset {}; rewinding "
                            + "to {} to check that the topic still holds the records the backup stored", partition,
                            offset, chainEnd, chainEnd);
                }
                firstSkipped = state == State.FIRST_RECORD ? offset : Math.min(firstSkipped, offset);
                state = State.REWIND_PENDING;
                return true;
            }
            case REWOUND -> {
                return afterRewind(offset, timestamp, chain, nowMillis);
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * The first record of an assignment at or below the chain's end (see the class comment). A
     * recreated topic is concluded on the whole listing: a chain listed from a bound on is listed whole
     * first.
     */
    private void requireSameTopic(long offset, Long timestamp, StoredChain chain) throws IOException {
        if (chain.segmentCovering(offset).isPresent() || chain.gapCovers(offset)) {
            return;
        }
        if (!chain.whole()) {
            chain.listWhole();
            requireSameTopic(offset, timestamp, chain);
            return;
        }
        if (offset < chain.firstOffset()) {
            if (timestamp == null || timestamp < 0 || chain.newestTimestamp() == SegmentDescriptor.NONE
                    || timestamp <= chain.newestTimestamp()) {
                return;
            }
            throw recreated(partition, "Offset " + offset + " of " + partition + " (timestamp " + timestamp
                    + ") comes before the backup's stored " + chain.describe() + " of " + partition + ", yet it is "
                    + "newer than every stored record (newest timestamp " + chain.newestTimestamp() + ")");
        }
        throw recreated(partition, "Offset " + offset + " of " + partition + " (timestamp " + timestamp + ") lies "
                + "within the backup's stored " + chain.describe() + " of " + partition + " but in no stored "
                + "segment and no recorded gap: the topic the backup read never delivered it");
    }

    private boolean afterRewind(long offset, Long timestamp, StoredChain chain, long nowMillis) throws IOException {
        if (offset < chainEnd) {
            throw recreated(partition, "After the rewind to offset " + chainEnd + ", the last one stored, the "
                    + "consumer delivered offset " + offset + " of " + partition + " (timestamp " + timestamp + "): "
                    + "the partition's offsets started over below the backup's stored " + chain.describe());
        }
        if (offset > firstSkipped) {
            throw new ConnectException("After the rewind to offset " + chainEnd + ", the last one stored, the "
                    + "consumer of " + partition + " delivered offset " + offset + " first, past offset "
                    + firstSkipped + " that the topic held just before: offset " + chainEnd + " is gone from the "
                    + "topic and the consumer's auto.offset.reset is not earliest, so it jumped ahead over records "
                    + "that are still in the topic. Set auto.offset.reset to earliest (the connector's "
                    + "consumer.override.auto.offset.reset, or the worker's consumer.auto.offset.reset) BEFORE "
                    + "restarting the task: nothing after offset " + chainEnd + " of " + partition + " is committed, "
                    + "but a restart with the same setting jumps ahead again and records offsets up to " + offset
                    + " as a gap, although the topic still holds records among them. (If it is earliest already, "
                    + "retention deleted offset " + firstSkipped + " during the rewind: restart the task.)");
        }
        if (offset > chainEnd + 1 && !chain.whole()) {
            // a gap is recorded on the whole listing: a segment listed from before the bound may end later
            long bound = chain.listedFrom();
            chain.listWhole();
            if (chain.lastOffset() > chainEnd) {
                log.info("{}: a segment that starts before offset {} ends at offset {}, after the rewind target {}; "
                        + "the backup goes on from there", partition, bound, chain.lastOffset(), chainEnd);
                chainEnd = chain.lastOffset();
            }
        }
        if (offset > chainEnd + 1) {
            recordGap(new OffsetGap(partition, chainEnd + 1, offset - 1), timestamp, nowMillis);
        } else if (offset == chainEnd + 1) {
            log.info("{}: offset {}, the last one stored, is no longer in the topic (retention or "
                    + "compaction); the backup goes on at offset {}", partition, chainEnd, offset);
        }
        state = State.JOINED;
        return false;
    }

    /**
     * The error for a partition that now holds another incarnation of the topic: {@code what} says
     * which record showed it.
     */
    static ConnectException recreated(TopicPartition partition, String what) {
        return new ConnectException(what + ": the topic was deleted and created again since it was backed up. "
                + "Back it up into a new storage.prefix so that one backup set holds one incarnation of the topic; "
                + "the backup of " + partition + " stopped here and stored nothing of the new topic.");
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
