package io.lifeboat.cli;

import io.lifeboat.cli.TopicSnapshot.SnapshotHeader;
import io.lifeboat.cli.TopicSnapshot.SnapshotRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The comparison the drill and the round-trip tests rely on tells apart what a sloppy restore confuses. */
class RecordComparisonTest {

    private static final byte[] EMPTY = new byte[0];

    private static SnapshotRecord record(long offset, byte[] key, byte[] value, long timestamp, SnapshotHeader... headers) {
        return new SnapshotRecord(0, offset, timestamp, TimestampType.CREATE_TIME, key, value, List.of(headers));
    }

    private static TopicSnapshot topic(SnapshotRecord... records) {
        return new TopicSnapshot("t", Map.of(0, List.of(records), 1, List.of()));
    }

    private static final SnapshotRecord ORIGINAL = record(5, null, EMPTY, 1000,
            new SnapshotHeader("dup", new byte[] {1}), new SnapshotHeader("dup", null));

    @Test
    void identicalRecordsMatchEvenAtOtherOffsets() {
        RecordComparison c = RecordComparison.compare(topic(ORIGINAL), topic(record(0, null, EMPTY, 1000,
                new SnapshotHeader("dup", new byte[] {1}), new SnapshotHeader("dup", null))));
        assertTrue(c.matches(), c.toString());
        assertEquals(1, c.recordsCompared());
    }

    @Test
    void nullAndEmptyDiffer() {
        RecordComparison c = RecordComparison.compare(topic(ORIGINAL), topic(record(5, EMPTY, null, 1000,
                new SnapshotHeader("dup", new byte[] {1}), new SnapshotHeader("dup", null))));
        assertEquals(2, c.differences().size(), c.toString());
        assertTrue(c.differences().get(0).contains("t-0 record #0 (original offset 5") && c.differences().get(0)
                .contains("key null originally, \"\" restored"), c.toString());
    }

    @Test
    void headerOrderNullsAndTimestampsCount() {
        assertFalse(RecordComparison.compare(topic(ORIGINAL), topic(record(5, null, EMPTY, 1000,
                new SnapshotHeader("dup", null), new SnapshotHeader("dup", new byte[] {1})))).matches());
        assertFalse(RecordComparison.compare(topic(ORIGINAL), topic(record(5, null, EMPTY, 1000,
                new SnapshotHeader("dup", new byte[] {1}), new SnapshotHeader("dup", EMPTY)))).matches());
        assertFalse(RecordComparison.compare(topic(ORIGINAL), topic(record(5, null, EMPTY, 1001,
                new SnapshotHeader("dup", new byte[] {1}), new SnapshotHeader("dup", null)))).matches());
    }

    @Test
    void missingRecordsAndPartitionsAreReported() {
        RecordComparison c = RecordComparison.compare(topic(ORIGINAL),
                new TopicSnapshot("t", Map.of(0, List.of())));
        assertTrue(c.toString().contains("2 partitions originally, 1 restored"), c.toString());
        assertTrue(c.toString().contains("t-0: 1 records originally, 0 restored"), c.toString());
    }
}
