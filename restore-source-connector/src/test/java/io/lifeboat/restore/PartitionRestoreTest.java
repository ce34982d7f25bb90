package io.lifeboat.restore;

import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.PartitionChain;
import io.lifeboat.core.layout.HighWaterMarks;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.layout.TimeRange;
import io.lifeboat.core.segment.SegmentFetcher;
import io.lifeboat.core.segment.BackupHeader;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.RecordEncoder;
import io.lifeboat.core.segment.SegmentCompression;
import io.lifeboat.core.segment.SegmentFileWriter;
import io.lifeboat.core.segment.SegmentSpool;
import io.lifeboat.core.storage.FilesystemObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.header.Header;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionRestoreTest {

    private static final TopicPartition TP = new TopicPartition("orders", 2);
    private final BackupLayout layout = new BackupLayout("");

    @TempDir
    Path root;
    @TempDir
    Path work;
    private final List<SegmentPrefetcher> prefetchers = new ArrayList<>();

    @AfterEach
    void closePrefetchers() throws IOException {
        prefetchers.forEach(SegmentPrefetcher::close);
        try (var left = Files.list(work)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("segment-")).toList(),
                    "no local copy is left");
        }
    }

    private SegmentDescriptor writeSegment(long first, long last, long previous) throws IOException {
        try (SegmentSpool spool = new SegmentSpool(Files.createDirectories(work.resolve("spool")), TP, previous, 0)) {
            RecordEncoder encoder = new RecordEncoder();
            for (long o = first; o <= last; o++) {
                spool.append(new BackupRecord(TP.topic(), TP.partition(), o, 1_000L + o, TimestampType.CREATE_TIME,
                        o % 2 == 0 ? null : new byte[0], new byte[]{(byte) o},
                        List.of(new BackupHeader("n", null), new BackupHeader("n", new byte[]{1}))), encoder);
            }
            Path file = work.resolve("seg.avro");
            SegmentDescriptor segment = new SegmentFileWriter(SegmentCompression.ZSTD).write(spool, file);
            Path target = root.resolve(layout.segmentKey(segment));
            Files.createDirectories(target.getParent());
            Files.move(file, target);
            return segment;
        }
    }

    private PartitionRestore restore(List<SegmentDescriptor> segments, RestoreOffsets.Progress progress) {
        return restore(segments, null, progress);
    }

    private PartitionRestore restore(List<SegmentDescriptor> segments, HighWaterMarks.Mark highWater,
                                     RestoreOffsets.Progress progress) {
        List<BackupCatalog.SegmentEntry> entries = new ArrayList<>();
        segments.forEach(s -> entries.add(new BackupCatalog.SegmentEntry(layout.segmentKey(s), 1, s)));
        PartitionChain chain = PartitionChain.of(TP, new BackupCatalog.PartitionEntry(TP, true, entries, List.of()),
                highWater, progress.lastRestoredOffset() + 1);
        // through the prefetcher, as the task reads: what it fetched ahead and the restore read past goes unread
        SegmentPrefetcher prefetcher = new SegmentPrefetcher(new SegmentFetcher(new FilesystemObjectStore(root), layout,
                work));
        prefetchers.add(prefetcher);
        PartitionRestore restore = new PartitionRestore(TP, "orders_restored", chain, progress, TimeRange.ALL,
                prefetcher.lane(TP));
        prefetcher.plan(TP, restore.plannedSegments());
        return restore;
    }

    private static List<SourceRecord> drain(PartitionRestore restore) throws IOException {
        List<SourceRecord> all = new ArrayList<>();
        for (List<SourceRecord> batch = restore.poll(3); !batch.isEmpty(); batch = restore.poll(3)) {
            all.addAll(batch);
        }
        return all;
    }

    private static List<Long> offsets(List<SourceRecord> records) {
        return records.stream().map(r -> (Long) r.sourceOffset().get(RestoreOffsets.OFFSET)).toList();
    }

    @Test
    void restoresInOrderIntoTheSamePartitionNumberWithEverythingKept() throws IOException {
        SegmentDescriptor a = writeSegment(0, 4, SegmentDescriptor.NONE);
        SegmentDescriptor b = writeSegment(5, 9, 4);
        PartitionRestore restore = restore(List.of(a, b), RestoreOffsets.Progress.NONE);
        List<SourceRecord> records = drain(restore);

        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), offsets(records));
        SourceRecord first = records.get(0);
        assertEquals("orders_restored", first.topic());
        assertEquals(2, first.kafkaPartition());
        assertNull(first.key());
        assertArrayEquals(new byte[0], (byte[]) records.get(1).key());
        assertEquals(1_000L, first.timestamp());
        List<Header> headers = new ArrayList<>();
        first.headers().forEach(headers::add);
        assertEquals(2, headers.size());
        assertNull(headers.get(0).value());
        assertEquals(Map.of("topic", "orders", "partition", 2), first.sourcePartition());
        assertTrue(restore.isComplete());
        assertEquals(Boolean.TRUE, records.get(9).sourceOffset().get(RestoreOffsets.COMPLETE));
        assertEquals(Boolean.FALSE, records.get(8).sourceOffset().get(RestoreOffsets.COMPLETE));
    }

    @Test
    void overlappingSegmentsOfAReplayedBackupGiveEachOffsetOnce() throws IOException {
        SegmentDescriptor a = writeSegment(0, 6, SegmentDescriptor.NONE);
        SegmentDescriptor replay = writeSegment(3, 8, SegmentDescriptor.NONE);
        SegmentDescriptor c = writeSegment(9, 10, 8);
        List<SourceRecord> records = drain(restore(List.of(a, replay, c), RestoreOffsets.Progress.NONE));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), offsets(records));
    }

    @Test
    void resumesAfterTheCommittedOffset() throws IOException {
        SegmentDescriptor a = writeSegment(0, 4, SegmentDescriptor.NONE);
        SegmentDescriptor b = writeSegment(5, 9, 4);
        List<SourceRecord> records = drain(restore(List.of(a, b), new RestoreOffsets.Progress(6, false)));
        assertEquals(List.of(7L, 8L, 9L), offsets(records));
    }

    @Test
    void completePartitionWritesNothing() throws IOException {
        SegmentDescriptor a = writeSegment(0, 4, SegmentDescriptor.NONE);
        PartitionRestore restore = restore(List.of(a), new RestoreOffsets.Progress(4, true));
        assertTrue(restore.poll(10).isEmpty());
    }

    @Test
    void missingSegmentStopsBeforeTheGap() throws IOException {
        SegmentDescriptor a = writeSegment(0, 4, SegmentDescriptor.NONE);
        writeSegment(5, 9, 4);
        SegmentDescriptor c = writeSegment(10, 12, 9);
        Files.delete(root.resolve(layout.segmentKey(new SegmentDescriptor(TP.topic(), TP.partition(), 5, 9, 4, 1005, 1009))));
        PartitionRestore restore = restore(List.of(a, c), RestoreOffsets.Progress.NONE);
        List<SourceRecord> written = new ArrayList<>();
        IOException e = assertThrows(IOException.class, () -> {
            for (List<SourceRecord> batch = restore.poll(2); !batch.isEmpty(); batch = restore.poll(2)) {
                written.addAll(batch);
            }
        });
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), offsets(written));
        assertTrue(e.getMessage().contains(layout.segmentKey(c)), e.getMessage());
        assertTrue(e.getMessage().contains("offset 5 to 9"), e.getMessage());
        assertFalse(restore.isComplete());
    }

    @Test
    void deletedOldestSegmentStopsThePartitionBeforeItsFirstRecord() throws IOException {
        writeSegment(0, 4, SegmentDescriptor.NONE);
        SegmentDescriptor b = writeSegment(5, 9, 4);
        PartitionRestore restore = restore(List.of(b), RestoreOffsets.Progress.NONE);
        IOException e = assertThrows(IOException.class, () -> restore.poll(100));
        assertTrue(e.getMessage().contains("offset 0 to 4"), e.getMessage());
        assertTrue(e.getMessage().contains("oldest segment stored"), e.getMessage());
        assertFalse(restore.isComplete());
    }

    @Test
    void deletedNewestSegmentIsFoundThroughTheHighWaterMark() throws IOException {
        SegmentDescriptor a = writeSegment(0, 4, SegmentDescriptor.NONE);
        writeSegment(5, 9, 4);
        HighWaterMarks.Mark mark = new HighWaterMarks.Mark(9, "set/high-water/backup/task-0");
        PartitionRestore restore = restore(List.of(a), mark, RestoreOffsets.Progress.NONE);
        List<SourceRecord> written = new ArrayList<>();
        IOException e = assertThrows(IOException.class, () -> {
            for (List<SourceRecord> batch = restore.poll(2); !batch.isEmpty(); batch = restore.poll(2)) {
                written.addAll(batch);
            }
        });
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), offsets(written));
        assertTrue(written.stream().noneMatch(r -> Boolean.TRUE.equals(r.sourceOffset().get(RestoreOffsets.COMPLETE))),
                "no record may claim the partition complete");
        assertTrue(e.getMessage().contains("from offset 5 to 9"), e.getMessage());
        assertTrue(e.getMessage().contains(mark.objectKey()), e.getMessage());
        assertFalse(restore.isComplete());
    }

    @Test
    void highWaterMarkThatLagsTheSegmentsIsMet() throws IOException {
        SegmentDescriptor a = writeSegment(0, 4, SegmentDescriptor.NONE);
        SegmentDescriptor b = writeSegment(5, 9, 4);
        List<SourceRecord> records = drain(restore(List.of(a, b), new HighWaterMarks.Mark(4, "k"),
                RestoreOffsets.Progress.NONE));
        assertEquals(10, records.size());
        records = drain(restore(List.of(a, b), new HighWaterMarks.Mark(9, "k"), RestoreOffsets.Progress.NONE));
        assertEquals(10, records.size());
    }

    @Test
    void corruptSegmentStopsThePartitionAndNamesTheObject() throws IOException {
        SegmentDescriptor a = writeSegment(0, 4, SegmentDescriptor.NONE);
        SegmentDescriptor b = writeSegment(5, 9, 4);
        Path file = root.resolve(layout.segmentKey(b));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(raf.length() - 20);
            int x = raf.read();
            raf.seek(raf.length() - 20);
            raf.write(x ^ 0x10);
        }
        PartitionRestore restore = restore(List.of(a, b), RestoreOffsets.Progress.NONE);
        List<SourceRecord> written = new ArrayList<>();
        IOException e = assertThrows(IOException.class, () -> {
            for (List<SourceRecord> batch = restore.poll(100); !batch.isEmpty(); batch = restore.poll(100)) {
                written.addAll(batch);
            }
        });
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), offsets(written));
        assertTrue(e.getMessage().contains(layout.segmentKey(b)), e.getMessage());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }
}
