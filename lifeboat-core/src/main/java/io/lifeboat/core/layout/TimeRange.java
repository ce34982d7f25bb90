package io.lifeboat.core.layout;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;

/**
 * A point-in-time selection of a partition's records by timestamp, as Kafka's {@code offsetsForTimes}
 * makes one: the records from the first offset whose timestamp is at or after {@code start} up to, not
 * including, the first offset whose timestamp is at or after {@code end}. Either bound may be absent
 * (no start: from the first record; no end: up to the last). A record without a timestamp
 * ({@link SegmentDescriptor#NONE}) never satisfies "at or after".
 *
 * <p>Invariant: when both bounds are present, {@code start < end}.
 *
 * <p>What a segment's key says about the bounds is answered here, once, for the restore (which
 * segments to download) and for the planning checks (the oldest timestamp a restore writes).
 *
 * @param start first instant of the range in epoch milliseconds, if any
 * @param end   instant after the range in epoch milliseconds, if any
 */
public record TimeRange(OptionalLong start, OptionalLong end) {

    /** No bounds: every record. */
    public static final TimeRange ALL = new TimeRange(OptionalLong.empty(), OptionalLong.empty());

    public TimeRange {
        if (start.isPresent() && end.isPresent() && start.getAsLong() >= end.getAsLong()) {
            throw new IllegalArgumentException("the start " + format(start.getAsLong()) + " is not before the end "
                    + format(end.getAsLong()));
        }
    }

    /** True when a bound is set. */
    public boolean bounded() {
        return start.isPresent() || end.isPresent();
    }

    /** True when a record with this timestamp is at or after the start (always without a start). */
    public boolean atOrAfterStart(long timestamp) {
        return start.isEmpty() || (timestamp != SegmentDescriptor.NONE && timestamp >= start.getAsLong());
    }

    /** True when a record with this timestamp is at or after the end (never without an end). */
    public boolean atOrAfterEnd(long timestamp) {
        return end.isPresent() && timestamp != SegmentDescriptor.NONE && timestamp >= end.getAsLong();
    }

    /**
     * True when no record of the segment is at or after the start, so the segment cannot hold the
     * start cut (its largest timestamp is before the start, or no record has one).
     */
    public boolean segmentBeforeStart(SegmentDescriptor segment) {
        return start.isPresent() && !atOrAfterStart(segment.maxTimestamp());
    }

    /**
     * True when every record of the segment that has a timestamp is at or after the end (its
     * smallest timestamp is), so the end cut is at or before the segment's last record with a
     * timestamp. Not that the cut is the segment's first offset: a first record without a timestamp
     * is before the cut.
     */
    public boolean segmentFromEnd(SegmentDescriptor segment) {
        return atOrAfterEnd(segment.minTimestamp());
    }

    /**
     * A time given as an ISO-8601 instant with a zone offset ({@code 2026-12-02T14:02:00Z},
     * {@code 2026-12-02T15:02:00+01:00}) or as epoch milliseconds ({@code 1796220120000}).
     *
     * @throws IllegalArgumentException saying what is accepted
     */
    public static long parseTime(String text) {
        String value = text.trim();
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("epoch milliseconds out of range: " + value);
            }
        }
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not an ISO-8601 instant with a zone offset "
                    + "(such as 2026-12-02T14:02:00Z or 2026-12-02T15:02:00+01:00) nor epoch milliseconds");
        }
    }

    /** "2026-12-02T14:02:00Z (1796220120000)", for messages. */
    public static String format(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis) + " (" + epochMillis + ")";
    }

    @Override
    public String toString() {
        return "[" + (start.isPresent() ? format(start.getAsLong()) : "first record") + ", "
                + (end.isPresent() ? format(end.getAsLong()) : "last record") + ")";
    }
}
