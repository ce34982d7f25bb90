package io.lifeboat.core.layout;

import io.lifeboat.core.layout.BackupCatalog.PartitionEntry;
import io.lifeboat.core.layout.BackupCatalog.SegmentEntry;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionChainTest {

    private static final TopicPartition TP = new TopicPartition("orders", 3);
    private static final long NONE = SegmentDescriptor.NONE;

    private static SegmentEntry segment(long first, long last, long prev) {
        SegmentDescriptor d = new SegmentDescriptor(TP.topic(), TP.partition(), first, last, prev, 1, 2);
        return new SegmentEntry(new BackupLayout("").segmentKey(d), 10, d);
    }

    private static PartitionEntry entry(List<OffsetGap> gaps, SegmentEntry... segments) {
        return new PartitionEntry(TP, true, new ArrayList<>(List.of(segments)), gaps);
    }

    private static List<Long> firstOffsets(List<SegmentEntry> segments) {
        return segments.stream().map(s -> s.descriptor().firstOffset()).toList();
    }

    @Test
    void anIntactChainHasNoBreakAndAReplayedOverlapIsReadPast() {
        PartitionChain chain = PartitionChain.of(TP, entry(List.of(), segment(0, 4, NONE), segment(0, 9, NONE),
                segment(3, 6, 2), segment(10, 12, 9)), new HighWaterMarks.Mark(12, "hw"), 0);
        assertEquals(List.of(), chain.breaks());
        assertEquals(List.of(0L, 0L, 10L), firstOffsets(chain.segments()),
                "a segment wholly before the next offset needed is not read, whatever its predecessor");
    }

    @Test
    void missingSegmentsOldestSegmentsAndNewestSegmentsAreBreaksInOffsetOrder() {
        SegmentEntry b = segment(5, 9, 4);
        SegmentEntry d = segment(20, 29, 19);
        PartitionChain chain = PartitionChain.of(TP, entry(List.of(), b, segment(10, 14, 9), d),
                new HighWaterMarks.Mark(40, "set/high-water/b/task-0"), 0);

        List<PartitionChain.Break> breaks = chain.breaks();
        assertEquals(List.of(PartitionChain.Kind.OLDEST_DELETED, PartitionChain.Kind.MISSING_SEGMENT,
                PartitionChain.Kind.NEWEST_MISSING), breaks.stream().map(PartitionChain.Break::kind).toList());
        assertEquals(List.of(0L, 15L, 30L), breaks.stream().map(PartitionChain.Break::firstMissing).toList());
        assertEquals(List.of(4L, 19L, 40L), breaks.stream().map(PartitionChain.Break::lastMissing).toList());
        assertEquals(b.key(), breaks.get(0).objectKey());
        assertEquals(d.key(), breaks.get(1).objectKey());
        assertTrue(breaks.get(2).describe().contains("set/high-water/b/task-0 records offset 40"),
                breaks.get(2).describe());
        assertTrue(chain.segmentsBeforeFirstBreak().isEmpty());
    }

    @Test
    void aResumedRestoreMeetsOnlyTheBreaksAfterWhereItResumes() {
        PartitionChain chain = PartitionChain.of(TP, entry(List.of(), segment(5, 9, 4), segment(10, 14, 9),
                segment(20, 29, 19)), null, 12);
        assertEquals(1, chain.breaks().size());
        assertEquals(15, chain.firstBreak().orElseThrow().firstMissing());
        assertEquals(List.of(10L), firstOffsets(chain.segmentsBeforeFirstBreak()));
    }

    @Test
    void aRecordedGapIsNoBreak() {
        OffsetGap gap = new OffsetGap(TP, 10, 19);
        PartitionChain chain = PartitionChain.of(TP, entry(List.of(gap), segment(0, 9, NONE), segment(20, 29, 9)),
                null, 0);
        assertEquals(List.of(), chain.breaks(), "the segment after the gap names the one before it");
        assertEquals(List.of(gap), chain.gaps());

        chain = PartitionChain.of(TP, entry(List.of(gap), segment(0, 9, NONE), segment(20, 29, 19)), null, 0);
        assertEquals(List.of(), chain.breaks(), "a segment that names the gap's end as its predecessor");
    }

    @Test
    void theHighestStoredOffsetMeetsTheMarkWhateverTheSegmentOrder() {
        PartitionEntry entry = entry(List.of(), segment(0, 120, NONE), segment(0, 199, NONE), segment(121, 180, 120));
        assertEquals(List.of(), PartitionChain.of(TP, entry, new HighWaterMarks.Mark(199, "k"), 0).breaks());
        PartitionChain.Break newest = PartitionChain.of(TP, entry, new HighWaterMarks.Mark(250, "k"), 0)
                .firstBreak().orElseThrow();
        assertEquals(200, newest.firstMissing());
        assertEquals(250, newest.lastMissing());
    }

    @Test
    void aPartitionWithAMarkAndNoSegmentsMissesItsNewestSegments() {
        PartitionChain chain = PartitionChain.of(TP, null, new HighWaterMarks.Mark(0, "hw"), 0);
        assertEquals(PartitionChain.Kind.NEWEST_MISSING, chain.firstBreak().orElseThrow().kind());
        assertEquals(List.of(), PartitionChain.of(TP, null, null, 0).breaks());
    }
}
