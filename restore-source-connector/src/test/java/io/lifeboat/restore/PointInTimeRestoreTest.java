package io.lifeboat.restore;

import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.HighWaterMarks;
import io.lifeboat.core.layout.PartitionChain;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.layout.TimeRange;
import io.lifeboat.core.segment.BackupHeader;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.RecordEncoder;
import io.lifeboat.core.segment.SegmentCompression;
import io.lifeboat.core.segment.SegmentFetcher;
import io.lifeboat.core.segment.SegmentFileWriter;
import io.lifeboat.core.segment.SegmentSpool;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ForwardingStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partition restored to a point in time: exactly the offsets in [S, E) that Kafka's offsetsForTimes
 * gives for the start and the end, contiguous whatever the timestamps, with the cuts in the last
 * record's source offset; segments before the start cut and after the end cut are never downloaded
 * (opens counted through a {@link ForwardingStore}); breaks after the end cut do not matter.
 */
class PointInTimeRestoreTest {

    private static final TopicPartition TP = new TopicPartition("orders", 1);
    private static final long NO_TIMESTAMP = -1;
    private final BackupLayout layout = new BackupLayout("");

    @TempDir
    Path root;
    @TempDir
    Path work;

    private ForwardingStore store;
    private SegmentPrefetcher prefetcher;

    @AfterEach
    void closePrefetcher() {
        if (prefetcher != null) {
            prefetcher.close();
        }
    }

    /** Writes a segment of records at offsets {@code first, first + 1, ...} with these timestamps (-1: none). */
    private SegmentDescriptor segment(long first, long previous, long... timestamps) throws IOException {
        try (SegmentSpool spool = new SegmentSpool(Files.createDirectories(work.resolve("spool")), TP, previous, 0)) {
            RecordEncoder encoder = new RecordEncoder();
            for (int i = 0; i < timestamps.length; i++) {
                long offset = first + i;
                boolean none = timestamps[i] == NO_TIMESTAMP;
                spool.append(new BackupRecord(TP.topic(), TP.partition(), offset, none ? null : timestamps[i],
                        none ? TimestampType.NO_TIMESTAMP_TYPE : TimestampType.CREATE_TIME, ("k" + offset).getBytes(),
                        new byte[]{(byte) offset}, List.of(new BackupHeader("h", null))), encoder);
            }
            Path file = work.resolve("seg.avro");
            SegmentDescriptor segment = new SegmentFileWriter(SegmentCompression.ZSTD).write(spool, file);
            Path target = root.resolve(layout.segmentKey(segment));
            Files.createDirectories(target.getParent());
            Files.move(file, target);
            return segment;
        }
    }

    private static TimeRange range(Long start, Long end) {
        return new TimeRange(start == null ? OptionalLong.empty() : OptionalLong.of(start),
                end == null ? OptionalLong.empty() : OptionalLong.of(end));
    }

    private PartitionRestore restore(List<SegmentDescriptor> segments, HighWaterMarks.Mark highWater,
                                     RestoreOffsets.Progress progress, TimeRange range) {
        List<BackupCatalog.SegmentEntry> entries = new ArrayList<>();
        segments.forEach(s -> entries.add(new BackupCatalog.SegmentEntry(layout.segmentKey(s), 1, s)));
        PartitionChain chain = PartitionChain.of(TP, new BackupCatalog.PartitionEntry(TP, true, entries, List.of()),
                highWater, progress.lastRestoredOffset() + 1);
        store = new ForwardingStore(new FilesystemObjectStore(root));
        // through the prefetcher, as the task reads: what it fetches ahead must keep the cuts' promises
        if (prefetcher != null) {
            prefetcher.close();
        }
        prefetcher = new SegmentPrefetcher(new SegmentFetcher(store, layout, work));
        PartitionRestore restore = new PartitionRestore(TP, "orders_at_14_02", chain, progress, range,
                prefetcher.lane(TP));
        prefetcher.plan(TP, restore.plannedSegments());
        return restore;
    }

    private PartitionRestore restore(List<SegmentDescriptor> segments, TimeRange range) {
        return restore(segments, null, RestoreOffsets.Progress.NONE, range);
    }

    private static List<SourceRecord> drain(PartitionRestore restore) throws IOException {
        List<SourceRecord> all = new ArrayList<>();
        for (List<SourceRecord> batch = restore.poll(2); !batch.isEmpty(); batch = restore.poll(2)) {
            all.addAll(batch);
        }
        assertTrue(restore.isComplete(), "drained means complete");
        return all;
    }

    private static List<Long> offsets(List<SourceRecord> records) {
        return records.stream().map(r -> (Long) r.sourceOffset().get(RestoreOffsets.OFFSET)).toList();
    }

    private static Map<String, ?> last(List<SourceRecord> records) {
        return records.get(records.size() - 1).sourceOffset();
    }

    private static void assertOnlyLastComplete(List<SourceRecord> records) {
        for (int i = 0; i < records.size(); i++) {
            assertEquals(i == records.size() - 1, records.get(i).sourceOffset().get(RestoreOffsets.COMPLETE),
                    "complete=true on the last record only: " + records.get(i).sourceOffset());
        }
    }

    @Test
    void endCutInsideASegmentLeavesLateRecordsAfterItOut() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, 10, 20, 30, 40, 50);
        SegmentDescriptor b = segment(5, 4, 60, 70, 15, 80, 90); // offset 7 is late: older than the end, after the cut
        List<SourceRecord> records = drain(restore(List.of(a, b), range(null, 65L)));

        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), offsets(records));
        assertOnlyLastComplete(records);
        assertEquals(6L, last(records).get(RestoreOffsets.END_CUT));
        assertFalse(last(records).containsKey(RestoreOffsets.START_CUT), "no start time, no start cut");
        assertArrayEquals("k5".getBytes(), (byte[]) records.get(5).key());
        assertEquals(60L, records.get(5).timestamp());
    }

    @Test
    void aLateRecordAfterTheStartCutIsRestored() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, 10, 20, 30, 5, 50, 60);
        PartitionRestore restore = restore(List.of(a), range(25L, 55L));
        List<SourceRecord> records = drain(restore);

        assertEquals(List.of(2L, 3L, 4L), offsets(records), "offset 3 (timestamp 5) lies inside the range");
        records.forEach(r -> assertEquals(2L, r.sourceOffset().get(RestoreOffsets.START_CUT), "every offset from S on"));
        assertEquals(5L, last(records).get(RestoreOffsets.END_CUT));
        assertOnlyLastComplete(records);
        String report = restore.cutReport();
        assertTrue(report.startsWith("orders-1: restored offsets 2..4 (start cut at 2: first timestamp >= "), report);
        assertTrue(report.contains("end cut at 5: first timestamp >= 1970-01-01T00:00:00.055Z (55)"), report);
    }

    @Test
    void equalTimestampsAtTheCutTakeTheFirstOfThem() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, 10, 20, 20, 20, 30, 30);
        assertEquals(List.of(1L, 2L, 3L), offsets(drain(restore(List.of(a), range(20L, 30L)))));
        assertEquals(List.of(0L), offsets(drain(restore(List.of(a), range(10L, 20L)))));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), offsets(drain(restore(List.of(a), range(11L, null)))));
    }

    @Test
    void recordsWithoutTimestampNeverMakeACut() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, NO_TIMESTAMP, NO_TIMESTAMP, 50, NO_TIMESTAMP, 60, 70);
        List<SourceRecord> records = drain(restore(List.of(a), range(0L, 55L)));
        assertEquals(List.of(2L, 3L), offsets(records), "S is the first record with a timestamp; offset 3 is inside");
        assertEquals(2L, last(records).get(RestoreOffsets.START_CUT));
        assertEquals(4L, last(records).get(RestoreOffsets.END_CUT));

        SegmentDescriptor none = segment(6, 5, NO_TIMESTAMP, NO_TIMESTAMP);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), offsets(drain(restore(List.of(a, none), range(null, 1_000L)))),
                "no record reaches the end: up to the last record");
    }

    @Test
    void anEmptyRangeCompletesWithoutARecord() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, 10, 20, 100, 110);
        PartitionRestore restore = restore(List.of(a), range(30L, 40L));
        assertEquals(List.of(), drain(restore), "S = E = 2");
        assertTrue(restore.cutReport().contains("nothing restored"), restore.cutReport());
        assertTrue(restore.cutReport().contains("start cut at 2"), restore.cutReport());
        assertTrue(restore.cutReport().contains("end cut at 2"), restore.cutReport());

        PartitionRestore late = restore(List.of(a), range(1_000L, null));
        assertEquals(List.of(), drain(late));
        assertEquals(0, store.opens(), "no segment can hold a record at or after the start: none is downloaded");
        assertTrue(late.cutReport().contains("no record has a timestamp >= 1970-01-01T00:00:01Z"), late.cutReport());
    }

    @Test
    void aRangeCoveringEverythingRestoresEverything() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, 10, 20, 5);
        SegmentDescriptor b = segment(3, 2, 30, 40);
        List<SourceRecord> records = drain(restore(List.of(a, b), range(5L, 1_000L)));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), offsets(records));
        assertEquals(0L, last(records).get(RestoreOffsets.START_CUT));
        assertFalse(last(records).containsKey(RestoreOffsets.END_CUT), "no record reached the end cut");
        assertOnlyLastComplete(records);
    }

    @Test
    void aResumedRestoreHasPassedTheStartAndStillStopsAtTheEnd() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, 10, 20, 30, 40, 50);
        SegmentDescriptor b = segment(5, 4, 60, 5, 70, 80, 90);
        // offsets 2..3 were restored before; offset 6 has an old timestamp, after S it is in the range
        PartitionRestore restore = restore(List.of(a, b), null, new RestoreOffsets.Progress(3, false, null, 2),
                range(25L, 75L));
        List<SourceRecord> records = drain(restore);
        assertEquals(List.of(4L, 5L, 6L, 7L), offsets(records));
        assertEquals(2L, last(records).get(RestoreOffsets.START_CUT), "the start cut of the earlier run carries on");
        assertEquals(8L, last(records).get(RestoreOffsets.END_CUT));
        assertOnlyLastComplete(records);
        assertTrue(restore.cutReport().contains("restored offsets 2..7"), restore.cutReport());
    }

    @Test
    void aResumeRightBeforeTheEndCutCompletesWithoutARecord() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, 10, 20, 30, 40, 50);
        PartitionRestore restore = restore(List.of(a), null, new RestoreOffsets.Progress(2, false, null, 1),
                range(15L, 40L));
        assertEquals(List.of(), drain(restore));
        assertTrue(restore.cutReport().contains("restored offsets 1..2"), restore.cutReport());
    }

    @Test
    void segmentsBeforeTheStartCutAndAfterTheEndCutAreNotDownloaded() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, 10, 20, 30);
        SegmentDescriptor b = segment(3, 2, 40, 50, 60);
        SegmentDescriptor c = segment(6, 5, 70, 80, 90);
        SegmentDescriptor d = segment(9, 8, 100, 110, 120);
        SegmentDescriptor e = segment(12, 11, 130, 5, 140);
        List<SourceRecord> records = drain(restore(List.of(a, b, c, d, e), range(75L, 105L)));
        assertEquals(List.of(7L, 8L, 9L), offsets(records));
        assertEquals(2, store.opens(), "only c (start cut) and d (end cut) are downloaded");
    }

    @Test
    void aSegmentAllAtOrAfterTheEndIsReadForItsFirstRecordOnly() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, 10, 20, 30);
        SegmentDescriptor b = segment(3, 2, 100, 110, 120);
        SegmentDescriptor c = segment(6, 5, 130, 140);
        List<SourceRecord> records = drain(restore(List.of(a, b, c), range(null, 100L)));
        assertEquals(List.of(0L, 1L, 2L), offsets(records));
        assertEquals(3L, last(records).get(RestoreOffsets.END_CUT));
        assertEquals(2, store.opens(), "b holds the cut at its first offset; c is never downloaded");

        // b's key says every record with a timestamp is at or after the end, but its first record has none:
        // reading it is what finds the cut one record later
        SegmentDescriptor b2 = segment(3, 2, NO_TIMESTAMP, 110, 120);
        records = drain(restore(List.of(a, b2, c), range(null, 100L)));
        assertEquals(List.of(0L, 1L, 2L, 3L), offsets(records));
        assertEquals(4L, last(records).get(RestoreOffsets.END_CUT));
    }

    @Test
    void aMissingSegmentAfterTheEndCutDoesNotStopTheRestore() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, 10, 20, 30);
        SegmentDescriptor b = segment(3, 2, 40, 50, 60);
        segment(6, 5, 70, 80); // missing from the store below
        SegmentDescriptor d = segment(8, 7, 90, 100);
        Files.delete(root.resolve(layout.segmentKey(new SegmentDescriptor(TP.topic(), TP.partition(), 6, 7, 5, 70, 80))));

        List<SourceRecord> records = drain(restore(List.of(a, b, d), range(null, 40L)));
        assertEquals(List.of(0L, 1L, 2L), offsets(records));
        assertEquals(3L, last(records).get(RestoreOffsets.END_CUT));

        PartitionRestore past = restore(List.of(a, b, d), range(null, 75L));
        List<SourceRecord> written = new ArrayList<>();
        IOException e = assertThrows(IOException.class, () -> {
            for (List<SourceRecord> batch = past.poll(2); !batch.isEmpty(); batch = past.poll(2)) {
                written.addAll(batch);
            }
        });
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), offsets(written), "a break before the end cut still stops it");
        assertTrue(e.getMessage().contains("offset 6 to 7"), e.getMessage());
        assertFalse(past.isComplete());
        assertTrue(written.stream().noneMatch(r -> Boolean.TRUE.equals(r.sourceOffset().get(RestoreOffsets.COMPLETE))));
    }

    @Test
    void missingNewestSegmentsAfterTheEndCutDoNotStopTheRestore() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, 10, 20, 30);
        HighWaterMarks.Mark mark = new HighWaterMarks.Mark(9, "high-water/backup/task-0");
        List<SourceRecord> records = drain(restore(List.of(a), mark, RestoreOffsets.Progress.NONE, range(null, 25L)));
        assertEquals(List.of(0L, 1L), offsets(records));

        PartitionRestore past = restore(List.of(a), mark, RestoreOffsets.Progress.NONE, range(null, 35L));
        assertEquals(List.of(0L, 1L), offsets(past.poll(2)));
        List<SourceRecord> tail = past.poll(2);
        assertEquals(List.of(2L), offsets(tail));
        assertEquals(Boolean.FALSE, tail.get(0).sourceOffset().get(RestoreOffsets.COMPLETE),
                "the newest segments may hold the end cut, or records before it");
        assertThrows(IOException.class, () -> past.poll(2));
        assertFalse(past.isComplete());
    }

    @Test
    void aCorruptSegmentAfterTheEndCutIsNeverRead() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, 10, 20, 30);
        SegmentDescriptor b = segment(3, 2, 40, 50, 60);
        try (RandomAccessFile raf = new RandomAccessFile(root.resolve(layout.segmentKey(b)).toFile(), "rw")) {
            raf.seek(raf.length() - 20);
            int x = raf.read();
            raf.seek(raf.length() - 20);
            raf.write(x ^ 0x10);
        }
        List<SourceRecord> records = drain(restore(List.of(a, b), range(null, 30L)));
        assertEquals(List.of(0L, 1L), offsets(records));
        assertEquals(2L, last(records).get(RestoreOffsets.END_CUT));
        assertEquals(1, store.opens());

        PartitionRestore past = restore(List.of(a, b), range(null, 45L));
        IOException e = assertThrows(IOException.class, () -> drain(past));
        assertTrue(e.getMessage().contains(layout.segmentKey(b)), e.getMessage());
    }

    @Test
    void withoutARangeTheReportIsEmptyAndOffsetsArePlain() throws IOException {
        SegmentDescriptor a = segment(0, SegmentDescriptor.NONE, 10, NO_TIMESTAMP, 30);
        PartitionRestore restore = restore(List.of(a), TimeRange.ALL);
        List<SourceRecord> records = drain(restore);
        assertEquals(List.of(0L, 1L, 2L), offsets(records));
        assertEquals(Map.of(RestoreOffsets.OFFSET, 2L, RestoreOffsets.COMPLETE, true), last(records));
        assertEquals("", restore.cutReport());
    }
}
