package io.lifeboat.restore;

import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.layout.TimeRange;
import io.lifeboat.core.segment.BackupRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.OptionalLong;

/**
 * Where the restore of one partition starts and stops in a {@link TimeRange}, as Kafka's
 * {@code offsetsForTimes} would place the cuts: the start cut S is the first offset whose record has a
 * timestamp at or after the start, the end cut E the first offset whose record has a timestamp at or
 * after the end, and the restore hands out exactly the records with offsets in [S, E), in offset order,
 * whatever their timestamps (a contiguous range, never a filtered subset).
 *
 * <p>E >= S always: the start is before the end, so the record at E, whose timestamp is at or after the
 * end, is also at or after the start, and no record before S is. Hence the end cut is only looked for
 * from S on, and a record at or after the end found while looking for S is both cuts (an empty range).
 *
 * <p>Records are shown to {@link #classify} in ascending offset order, each once. Before S, a segment
 * whose key says that no record is at or after the start is not read at all ({@link #skips}). A segment
 * whose key says that all its records with a timestamp are at or after the end is still read: its first
 * record may have no timestamp, and then the cut is later in it. After E nothing is read.
 *
 * <p>A restore resumed after offset L (L >= 0 restored before) has passed S: it restored L, which is
 * at or after S; it looks for E only, from L + 1 on (the records up to L were all before the end).
 */
final class PointInTimeCut {

    /** What to do with a record. */
    enum Verdict {
        /** Before the start cut: not restored; go on. */
        BEFORE_START,
        /** In [S, E): restore it. */
        RESTORE,
        /** At the end cut: neither it nor any later record is restored. */
        END
    }

    private final TimeRange range;
    private boolean startPassed;
    private long startCut = -1;
    private long endCut = -1;

    /**
     * @param resumedAfter   the last offset restored before this run (-1 for none)
     * @param knownStartCut  the start cut recorded by that run, or -1
     */
    PointInTimeCut(TimeRange range, long resumedAfter, long knownStartCut) {
        this.range = range;
        this.startPassed = range.start().isEmpty() || resumedAfter >= 0;
        if (range.start().isPresent() && resumedAfter >= 0) {
            this.startCut = knownStartCut;
        }
    }

    TimeRange range() {
        return range;
    }

    /** True when the segment cannot hold a record to restore or a cut, so it need not be downloaded. */
    boolean skips(SegmentDescriptor segment) {
        return !startPassed && range.segmentBeforeStart(segment);
    }

    /** Decides on the next record in offset order, moving the cuts. */
    Verdict classify(BackupRecord record) {
        if (ended()) {
            return Verdict.END;
        }
        long timestamp = record.timestamp() == null || record.timestamp() < 0 ? SegmentDescriptor.NONE
                : record.timestamp();
        if (!startPassed) {
            if (!range.atOrAfterStart(timestamp)) {
                return Verdict.BEFORE_START;
            }
            startPassed = true;
            startCut = record.offset();
        }
        if (range.atOrAfterEnd(timestamp)) {
            endCut = record.offset();
            return Verdict.END;
        }
        return Verdict.RESTORE;
    }

    /** True once the end cut is found: nothing more is read. */
    boolean ended() {
        return endCut >= 0;
    }

    /** S, once found (with a start time only): what the source offsets record as {@code start_cut}. */
    OptionalLong startCut() {
        return startCut >= 0 ? OptionalLong.of(startCut) : OptionalLong.empty();
    }

    /** E, once found (with an end time only): what the last record's source offset records as {@code end_cut}. */
    OptionalLong endCut() {
        return ended() ? OptionalLong.of(endCut) : OptionalLong.empty();
    }

    /**
     * For the completion log line of a partition with a time range: which offsets were restored and where the
     * cuts fell, or that no record reached a cut.
     *
     * @param lastRestored the last offset restored, in this run or before (-1 for none)
     */
    String describe(TopicPartition partition, long lastRestored) {
        StringBuilder text = new StringBuilder(partition.toString()).append(": ");
        if (lastRestored < 0) {
            text.append("no record in the time range ").append(range).append(", nothing restored");
        } else {
            text.append(startCut >= 0 ? "restored offsets " + startCut + ".." + lastRestored
                    : "restored offsets up to " + lastRestored + " from the first record");
        }
        text.append(" (");
        if (range.start().isPresent()) {
            String start = TimeRange.format(range.start().getAsLong());
            text.append(startCut >= 0 ? "start cut at " + startCut + ": first timestamp >= " + start
                    : startPassed ? "start cut passed in an earlier run"
                    : "no record has a timestamp >= " + start).append("; ");
        }
        if (range.end().isPresent()) {
            String end = TimeRange.format(range.end().getAsLong());
            text.append(ended() ? "end cut at " + endCut + ": first timestamp >= " + end
                    : "no record has a timestamp >= " + end + ", restored up to the last record");
        } else {
            text.append("no end time, restored up to the last record");
        }
        return text.append(')').toString();
    }
}
