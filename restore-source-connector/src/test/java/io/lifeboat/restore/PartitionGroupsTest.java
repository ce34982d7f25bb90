package io.lifeboat.restore;

import io.lifeboat.core.metadata.MetadataSnapshot.CommittedOffset;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionGroupsTest {

    private static final TopicPartition SOURCE = new TopicPartition("orders", 0);
    private static final TopicPartition TARGET = new TopicPartition("orders_restored", 0);

    private static List<SourceRecord> records(long... offsets) {
        return LongStream.of(offsets).mapToObj(o -> new SourceRecord(RestoreOffsets.sourcePartition(SOURCE),
                RestoreOffsets.sourceOffset(o, false), TARGET.topic(), 0, null, null)).toList();
    }

    private static List<Long> offsets(List<SourceRecord> records) {
        return records.stream().map(PartitionGroups::originalOffset).toList();
    }

    @Test
    void batchesEndAtEachTranslationPointAndHeldBackRecordsKeepTheirOrder() {
        // offsets 3 and 4 are absent (compaction, transaction markers): a group at 3 translates to 5
        PartitionGroups groups = new PartitionGroups(SOURCE, TARGET, Map.of(
                "at-start", new CommittedOffset(0, ""), "gap", new CommittedOffset(3, ""),
                "same-point", new CommittedOffset(5, "m"), "past-end", new CommittedOffset(100, "")),
                List.of("at-start", "gap", "same-point", "past-end"));
        List<SourceRecord> first = groups.cut(records(0, 1, 2, 5, 6, 7));
        assertEquals(List.of(0L), offsets(first));
        assertTrue(groups.atPoint());
        assertEquals(List.of("at-start"), groups.pointGroups());
        assertTrue(groups.pointAcknowledged().isEmpty());
        groups.acknowledged(0, 40);
        assertEquals(40, groups.pointAcknowledged().getAsLong());
        groups.pointDone();

        List<SourceRecord> next = groups.cut(groups.nextHeldBack(2)); // 1, 2: no point
        assertEquals(List.of(1L, 2L), offsets(next));
        List<SourceRecord> third = groups.cut(groups.nextHeldBack(10)); // 5 is the point of both gap and same-point
        assertEquals(List.of(5L), offsets(third));
        assertEquals(List.of("gap", "same-point"), new ArrayList<>(groups.pointGroups()).stream().sorted().toList());
        groups.pointDone();
        assertEquals(List.of(6L, 7L), offsets(groups.cut(groups.nextHeldBack(10))));
        assertFalse(groups.hasHeldBack());
        assertEquals(List.of("past-end"), groups.untranslatedGroups(), "no restored record at or after 100");
    }

    @Test
    void aPointHeldBackInTheMiddleOfHeldBackRecordsIsHandedOverInOrder() {
        PartitionGroups groups = new PartitionGroups(SOURCE, TARGET, Map.of(
                "a", new CommittedOffset(1, ""), "b", new CommittedOffset(3, "")), List.of("a", "b"));
        assertEquals(List.of(0L, 1L), offsets(groups.cut(records(0, 1, 2, 3, 4, 5))));
        groups.pointDone();
        assertEquals(List.of(2L, 3L), offsets(groups.cut(groups.nextHeldBack(3)))); // 2, 3 | 4 goes back first
        groups.pointDone();
        assertEquals(List.of(4L, 5L), offsets(groups.cut(groups.nextHeldBack(10))));
    }

    @Test
    void groupsAlreadyDoneAreNotTranslatedAgain() {
        PartitionGroups groups = new PartitionGroups(SOURCE, TARGET, Map.of(
                "done", new CommittedOffset(0, ""), "todo", new CommittedOffset(2, "")), List.of("todo"));
        assertEquals(List.of(0L, 1L, 2L), offsets(groups.cut(records(0, 1, 2, 3))));
        assertEquals(List.of("todo"), groups.pointGroups());
    }
}
