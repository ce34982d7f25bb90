package io.lifeboat.core.layout;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeRangeTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);

    private static TimeRange range(long start, long end) {
        return new TimeRange(OptionalLong.of(start), OptionalLong.of(end));
    }

    private static SegmentDescriptor segment(long first, long last, long min, long max) {
        return new SegmentDescriptor(TP.topic(), TP.partition(), first, last, first == 0 ? -1 : first - 1, min, max);
    }

    @Test
    void parsesInstantsWithZoneOffsetsAndEpochMillis() {
        assertEquals(1_796_220_120_000L, TimeRange.parseTime("2026-12-02T14:02:00Z"));
        assertEquals(1_796_220_120_000L, TimeRange.parseTime("2026-12-02T15:02:00+01:00"));
        assertEquals(1_796_220_120_250L, TimeRange.parseTime("2026-12-02T14:02:00.250Z"));
        assertEquals(1_796_220_120_000L, TimeRange.parseTime(" 1796220120000 "));
        assertEquals(0L, TimeRange.parseTime("0"));
    }

    @Test
    void rejectsTimesWithoutAZoneAndNonsense() {
        for (String bad : List.of("2026-12-02T14:02:00", "2026-12-02", "yesterday", "-5", "", "1.5",
                "99999999999999999999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeRange.parseTime(bad), bad);
            assertFalse(e.getMessage().isEmpty());
        }
    }

    @Test
    void startMustBeBeforeEnd() {
        assertThrows(IllegalArgumentException.class, () -> range(10, 10));
        assertThrows(IllegalArgumentException.class, () -> range(11, 10));
        assertTrue(range(9, 10).bounded());
        assertFalse(TimeRange.ALL.bounded());
    }

    @Test
    void recordsWithoutTimestampNeverReachABound() {
        TimeRange r = range(100, 200);
        assertFalse(r.atOrAfterStart(SegmentDescriptor.NONE));
        assertFalse(r.atOrAfterEnd(SegmentDescriptor.NONE));
        assertTrue(r.atOrAfterStart(100));
        assertFalse(r.atOrAfterStart(99));
        assertTrue(r.atOrAfterEnd(200));
        assertFalse(r.atOrAfterEnd(199));
        assertTrue(TimeRange.ALL.atOrAfterStart(SegmentDescriptor.NONE), "without a start every record is in");
        assertFalse(TimeRange.ALL.atOrAfterEnd(Long.MAX_VALUE), "without an end no record is past it");
    }

    @Test
    void segmentBoundsFromTheirKeys() {
        TimeRange r = range(100, 200);
        assertTrue(r.segmentBeforeStart(segment(0, 9, 10, 99)));
        assertTrue(r.segmentBeforeStart(segment(0, 9, SegmentDescriptor.NONE, SegmentDescriptor.NONE)));
        assertFalse(r.segmentBeforeStart(segment(0, 9, 10, 100)));
        assertTrue(r.segmentFromEnd(segment(0, 9, 200, 300)));
        assertFalse(r.segmentFromEnd(segment(0, 9, 199, 300)));
        assertFalse(r.segmentFromEnd(segment(0, 9, SegmentDescriptor.NONE, SegmentDescriptor.NONE)));
        assertFalse(TimeRange.ALL.segmentBeforeStart(segment(0, 9, SegmentDescriptor.NONE, SegmentDescriptor.NONE)));
    }

    @Test
    void segmentsWithinARangeStopAtTheFirstThatIsAllAfterTheEnd() {
        List<BackupCatalog.SegmentEntry> entries = new ArrayList<>();
        List<SegmentDescriptor> all = List.of(
                segment(0, 9, 10, 90),     // before the start
                segment(10, 19, 95, 150),  // holds the start cut
                segment(20, 29, 40, 180),  // a late record (40) after the start cut: it is restored
                segment(30, 39, 210, 260), // all after the end: the end cut is in it
                segment(40, 49, 5, 300));  // after the end cut, even with an old record
        all.forEach(s -> entries.add(new BackupCatalog.SegmentEntry("k" + s.firstOffset(), 1, s)));
        BackupCatalog.PartitionEntry partition = new BackupCatalog.PartitionEntry(TP, true, entries, List.of());

        assertEquals(all.subList(1, 4), BackupCatalog.segmentsWithin(partition, range(100, 200)));
        assertEquals(all.subList(0, 4), BackupCatalog.segmentsWithin(partition,
                new TimeRange(OptionalLong.empty(), OptionalLong.of(200))));
        assertEquals(all.subList(1, 5), BackupCatalog.segmentsWithin(partition,
                new TimeRange(OptionalLong.of(100), OptionalLong.empty())));
        assertEquals(all, BackupCatalog.segmentsWithin(partition, TimeRange.ALL));
        assertEquals(List.of(), BackupCatalog.segmentsWithin(partition,
                new TimeRange(OptionalLong.of(1_000), OptionalLong.empty())));
    }
}
