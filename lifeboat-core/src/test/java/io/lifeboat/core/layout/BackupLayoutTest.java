package io.lifeboat.core.layout;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupLayoutTest {

    private final BackupLayout layout = new BackupLayout("prod/cluster-a/");

    @Test
    void segmentKeysParseBack() {
        SegmentDescriptor s = new SegmentDescriptor("orders.v1_x-y", 7, 1000, 1999, 999, 1_700_000_000_000L,
                1_700_000_100_000L);
        String key = layout.segmentKey(s);
        assertEquals("prod/cluster-a/segments/orders.v1_x-y/000007/00000000000000001000-00000000000000001999"
                + "_prev-00000000000000000999_ts-1700000000000-1700000100000.avro", key);
        assertEquals(Optional.of(s), layout.parseSegmentKey(key));
    }

    @Test
    void gapKeysParseBack() {
        OffsetGap gap = new OffsetGap(new TopicPartition("orders", 3), 100, 4_999);
        String key = layout.gapKey(gap);
        assertEquals("prod/cluster-a/gaps/orders/000003/00000000000000000100-00000000000000004999", key);
        assertEquals(Optional.of(gap), layout.parseGapKey(key));
        assertEquals(Optional.empty(), layout.parseGapKey("prod/cluster-a/gaps/orders/000003/README"));
        assertEquals(Optional.empty(), layout.parseGapKey(
                "prod/cluster-a/gaps/orders/000003/00000000000000000200-00000000000000000100"));
    }

    @Test
    void absentPreviousAndTimestampsParseBack() {
        SegmentDescriptor s = new SegmentDescriptor("t", 0, 0, 0, SegmentDescriptor.NONE, SegmentDescriptor.NONE,
                SegmentDescriptor.NONE);
        assertEquals(Optional.of(s), layout.parseSegmentKey(layout.segmentKey(s)));
    }

    @Test
    void listingOrderIsOffsetOrder() {
        List<String> keys = new ArrayList<>();
        long[] firsts = {5, 1_000_000_000_000L, 90, 100_000};
        for (long first : firsts) {
            keys.add(layout.segmentKey(new SegmentDescriptor("t", 1, first, first + 3, SegmentDescriptor.NONE, 1, 2)));
        }
        keys.sort(null);
        List<Long> sorted = keys.stream().map(k -> layout.parseSegmentKey(k).orElseThrow().firstOffset()).toList();
        assertEquals(List.of(5L, 90L, 100_000L, 1_000_000_000_000L), sorted);
    }

    @Test
    void startAfterKeySortsBetweenTheSmallerFirstOffsetsAndTheGivenOne() {
        TopicPartition tp = new TopicPartition("t", 1);
        String startAfter = layout.segmentsStartAfter(tp, 100);
        long[][] segments = {{0, 99}, {99, 200}, {100, 100}, {100, 5_000}, {101, 150}, {1_000, 1_999}};
        List<Long> after = new ArrayList<>();
        for (long[] s : segments) {
            String key = layout.segmentKey(new SegmentDescriptor("t", 1, s[0], s[1], SegmentDescriptor.NONE, 1, 2));
            if (key.compareTo(startAfter) > 0) {
                after.add(s[0]);
            }
        }
        assertEquals(List.of(100L, 100L, 101L, 1_000L), after);
        assertTrue(layout.segmentKey(new SegmentDescriptor("t", 1, 0, 0, SegmentDescriptor.NONE, 1, 2))
                .compareTo(layout.segmentsStartAfter(tp, 0)) > 0, "from offset 0 on, every segment is listed");
    }

    @Test
    void foreignKeysAreNotSegments() {
        assertTrue(layout.parseSegmentKey("prod/cluster-a/segments/t/000001/notes.txt").isEmpty());
        assertTrue(layout.parseSegmentKey("other/segments/t/000001/x.avro").isEmpty());
        assertTrue(layout.parseSegmentKey("prod/cluster-a/segments/t/1/00000000000000000001-00000000000000000002"
                + "_prev-none_ts-none-none.avro").isEmpty());
    }

    @Test
    void onlyTheKeysTheLayoutWritesAreSegments() {
        String written = "prod/cluster-a/segments/t/000001/00000000000000000001-00000000000000000002_prev-none_ts-";
        assertTrue(layout.parseSegmentKey(written + "0-17.avro").isPresent());
        assertTrue(layout.parseSegmentKey(written + "017-17.avro").isEmpty(), "a timestamp with a leading zero");
        assertTrue(layout.parseSegmentKey(written + "none-017.avro").isEmpty(), "a timestamp with a leading zero");
        assertEquals(written + "5-17.avro", layout.segmentKey(layout.parseSegmentKey(written + "5-17.avro").orElseThrow()));
    }

    @Test
    void partitionMarkersParseBack() {
        TopicPartition tp = new TopicPartition("a.b", 12);
        assertEquals("prod/cluster-a/partitions/a.b/000012", layout.partitionMarkerKey(tp));
        assertEquals(Optional.of(tp), layout.parsePartitionMarker(layout.partitionMarkerKey(tp)));
        assertTrue(layout.parsePartitionMarker("prod/cluster-a/partitions/a.b/x").isEmpty());
    }
}
