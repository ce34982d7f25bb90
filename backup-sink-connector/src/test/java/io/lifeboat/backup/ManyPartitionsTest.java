package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.OpenSpoolFiles;
import io.lifeboat.core.segment.SegmentReader;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One task holding 1,000 partitions, each with an open segment bigger than a share of the heap:
 * Maven runs this test in its own JVM with a 96 MB heap (see the pom), while the open segments
 * hold 250 MB of records in all. It passes only if open segments live on disk, not in the heap.
 * And one task holding 2,000 partitions keeps at most {@link OpenSpoolFiles#DEFAULT_MAX_OPEN}
 * spool files open, so it does not run out of file descriptors.
 */
class ManyPartitionsTest {

    private static final int PARTITIONS = 1_000;
    private static final int RECORDS_PER_PARTITION = 250;
    private static final int VALUE_BYTES = 1_000;

    @TempDir
    Path root;
    @TempDir
    Path spool;

    @Test
    void thousandPartitionsOfOpenSegmentsFitInASmallHeap() throws Exception {
        assertTrue(Runtime.getRuntime().maxMemory() < 200L * 1024 * 1024,
                "this test must run with a small heap, see the surefire execution 'small-heap'");
        BackupSinkTaskTest.FakeTime time = new BackupSinkTaskTest.FakeTime();
        BackupSinkTask task = new BackupSinkTask(time);
        RecordingSinkTaskContext context = new RecordingSinkTaskContext();
        task.initialize(context);
        task.start(Map.of("storage.backend", "filesystem", "filesystem.root", root.toString(),
                "spool.dir", spool.toString(), "segment.max.age.ms", "3600000", "segment.compression", "none"));
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition("wide", p));
        }
        task.open(partitions);
        Random random = new Random(1);
        byte[] value = new byte[VALUE_BYTES];
        for (int offset = 0; offset < RECORDS_PER_PARTITION; offset++) {
            List<SinkRecord> batch = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                random.nextBytes(value);
                batch.add(new SinkRecord(tp.topic(), tp.partition(), Schema.OPTIONAL_BYTES_SCHEMA, null,
                        Schema.OPTIONAL_BYTES_SCHEMA, value.clone(), offset, 1L, TimestampType.CREATE_TIME));
            }
            task.put(batch);
        }
        assertTrue(task.preCommit(Map.of()).values().stream().allMatch(o -> o.offset() == 0),
                "nothing is durable yet, so every commit stays at offset 0");

        time.advance(3_600_000);
        task.put(List.of()); // every partition's segment is due: far more than the uploader lets wait
        assertTrue(task.awaitUploads(60_000), "the uploads finish");
        task.put(List.of());
        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of());
        task.stop();

        assertEquals(PARTITIONS, committed.size());
        committed.values().forEach(o -> assertEquals(RECORDS_PER_PARTITION, o.offset()));
        BackupLayout layout = new BackupLayout("");
        long records = 0;
        for (StoredObject object : new FilesystemObjectStore(root).list("segments/")) {
            SegmentDescriptor segment = layout.parseSegmentKey(object.key()).orElseThrow();
            records += segment.lastOffset() - segment.firstOffset() + 1;
        }
        assertEquals((long) PARTITIONS * RECORDS_PER_PARTITION, records);
    }

    @Test
    void twoThousandPartitionsKeepABoundedNumberOfSpoolFilesOpen() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(fds), "counting open files needs Linux's /proc/self/fd");
        int partitionCount = 2_000;
        int recordsPerPartition = 5;
        BackupSinkTaskTest.FakeTime time = new BackupSinkTaskTest.FakeTime();
        BackupSinkTask task = new BackupSinkTask(time);
        RecordingSinkTaskContext context = new RecordingSinkTaskContext();
        task.initialize(context);
        task.start(Map.of("storage.backend", "filesystem", "filesystem.root", root.toString(),
                "spool.dir", spool.toString(), "segment.max.age.ms", "3600000", "segment.compression", "none"));
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < partitionCount; p++) {
            partitions.add(new TopicPartition("wider", p));
        }
        task.open(partitions);
        Path spoolFolder = spool.toRealPath();
        int mostOpen = 0;
        for (int offset = 0; offset < recordsPerPartition; offset++) {
            List<SinkRecord> batch = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                batch.add(new SinkRecord(tp.topic(), tp.partition(), Schema.OPTIONAL_BYTES_SCHEMA, null,
                        Schema.OPTIONAL_BYTES_SCHEMA, ("value-" + offset).getBytes(StandardCharsets.UTF_8), offset,
                        1L, TimestampType.CREATE_TIME));
            }
            task.put(batch);
            mostOpen = Math.max(mostOpen, openFilesUnder(fds, spoolFolder));
        }
        assertTrue(mostOpen >= OpenSpoolFiles.DEFAULT_MAX_OPEN, "the count must see the open spool files: " + mostOpen);
        assertTrue(mostOpen <= OpenSpoolFiles.DEFAULT_MAX_OPEN, mostOpen + " spool files were open at once");

        time.advance(3_600_000);
        task.put(List.of()); // every partition's segment is due: far more than the uploader lets wait
        assertTrue(task.awaitUploads(60_000), "the uploads finish");
        task.put(List.of());
        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of());
        task.stop();

        assertEquals(partitionCount, committed.size());
        committed.values().forEach(o -> assertEquals(recordsPerPartition, o.offset()));
        BackupLayout layout = new BackupLayout("");
        long records = 0;
        for (StoredObject object : new FilesystemObjectStore(root).list("segments/")) {
            SegmentDescriptor segment = layout.parseSegmentKey(object.key()).orElseThrow();
            SegmentReader reader = SegmentReader.open(root.resolve(object.key()), object.key(), segment);
            try (reader) {
                for (BackupRecord r = reader.next(); r != null; r = reader.next()) {
                    assertEquals("value-" + r.offset(), new String(r.value(), StandardCharsets.UTF_8));
                    records++;
                }
            }
        }
        assertEquals((long) partitionCount * recordsPerPartition, records, "every record is in a segment");
    }

    /** Descriptors of this JVM that point into {@code folder}, but for the work folder's lock file. */
    private static int openFilesUnder(Path fds, Path folder) throws IOException {
        int count = 0;
        try (Stream<Path> links = Files.list(fds)) {
            for (Path link : links.toList()) {
                try {
                    Path target = Files.readSymbolicLink(link);
                    if (target.startsWith(folder) && !target.getFileName().toString().equals(".lock")) {
                        count++;
                    }
                } catch (IOException e) {
                    // closed since the listing
                }
            }
        }
        return count;
    }
}
