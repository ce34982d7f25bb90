package io.lifeboat.restore;

import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.CorruptSegmentException;
import io.lifeboat.core.segment.RecordEncoder;
import io.lifeboat.core.segment.SegmentCompression;
import io.lifeboat.core.segment.SegmentFileWriter;
import io.lifeboat.core.segment.SegmentSpool;
import io.lifeboat.core.storage.FilesystemObjectStore;
import org.apache.kafka.clients.admin.MockAdminClient;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restore task polled as Connect polls it, against a backup set in a filesystem store and a mock
 * target cluster that acknowledges every record handed over: the records of several partitions travel
 * in one poll, each partition's in order, each offset once, and a corrupt segment of one partition still
 * stops the task, naming it.
 */
class RestoreSourceTaskPollTest {

    private static final String TOPIC = "orders";
    private static final BackupLayout LAYOUT = new BackupLayout("set/");
    private static final Node BROKER = new Node(0, "localhost", 9092);

    @TempDir
    Path dir;

    private final MockAdminClient target = MockAdminClient.create().brokers(List.of(BROKER)).clusterId("target")
            .build();
    private final Map<TopicPartition, Long> targetEnds = new HashMap<>();
    private RestoreSourceTask task;

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
    }

    /** Segments of {@code TOPIC}-{@code partition} of {@code perSegment} records each, up to offset {@code last}. */
    private List<SegmentDescriptor> backUp(int partition, long last, int perSegment) throws IOException {
        FilesystemObjectStore store = new FilesystemObjectStore(dir.resolve("store"));
        TopicPartition tp = new TopicPartition(TOPIC, partition);
        List<SegmentDescriptor> segments = new ArrayList<>();
        long previous = SegmentDescriptor.NONE;
        for (long first = 0; first <= last; first += perSegment) {
            Path work = Files.createTempDirectory(dir, "work");
            try (SegmentSpool spool = new SegmentSpool(Files.createDirectories(work.resolve("spool")), tp, previous, 0)) {
                RecordEncoder encoder = new RecordEncoder();
                for (long o = first; o <= Math.min(last, first + perSegment - 1); o++) {
                    spool.append(new BackupRecord(TOPIC, partition, o, 1_000L + o, TimestampType.CREATE_TIME,
                            null, new byte[]{(byte) partition, (byte) o}, List.of()), encoder);
                }
                Path file = work.resolve("segment.avro");
                SegmentDescriptor segment = new SegmentFileWriter(SegmentCompression.ZSTD).write(spool, file);
                store.put(LAYOUT.segmentKey(segment), file);
                segments.add(segment);
                previous = segment.lastOffset();
            }
        }
        return segments;
    }

    private RestoreSourceTask start(int partitions, int batchSize) {
        List<TopicPartitionInfo> infos = new ArrayList<>();
        List<TopicPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            infos.add(new TopicPartitionInfo(p, BROKER, List.of(BROKER), List.of(BROKER)));
            assigned.add(new TopicPartition(TOPIC, p));
            targetEnds.put(new TopicPartition(TOPIC, p), 0L);
        }
        target.addTopic(false, TOPIC, infos, Map.of());
        target.updateEndOffsets(targetEnds);
        Map<String, String> props = new HashMap<>();
        props.put("name", "restore");
        props.put(StorageConfig.BACKEND, "filesystem");
        props.put(StorageConfig.FILESYSTEM_ROOT, dir.resolve("store").toString());
        props.put(StorageConfig.PREFIX, "set");
        props.put(RestoreSourceConfig.TARGET_BOOTSTRAP_SERVERS, "localhost:9092");
        props.put(RestoreSourceConfig.BATCH_SIZE, Integer.toString(batchSize));
        props.put(RestoreSourceConfig.TASK_PARTITIONS, TaskAssignment.encode(assigned));
        task = new RestoreSourceTask(dir.resolve("lifeboat-restore"), config -> target);
        task.initialize(new RestoreSourceTaskStartTest.NoOffsetsContext());
        task.start(props);
        return task;
    }

    /**
     * Polls until {@code records} records came (or 200 polls), the target acknowledging each record
     * handed over, as Connect's producer does.
     */
    private List<List<SourceRecord>> poll(RestoreSourceTask task, int records) throws InterruptedException {
        List<List<SourceRecord>> batches = new ArrayList<>();
        int handed = 0;
        for (int i = 0; i < 200 && handed < records; i++) {
            List<SourceRecord> batch = task.poll();
            if (batch == null) {
                continue;
            }
            batches.add(batch);
            handed += batch.size();
            for (SourceRecord record : batch) {
                TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
                long offset = targetEnds.merge(tp, 1L, Long::sum) - 1;
                target.updateEndOffsets(Map.of(tp, offset + 1));
                task.commitRecord(record, new RecordMetadata(tp, offset, 0, 0, 0, 0));
            }
        }
        return batches;
    }

    /** Waits until the task's prefetcher holds {@code count} local copies of segments. */
    private void awaitFetched(int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (var files = Files.walk(dir.resolve("lifeboat-restore"))) {
                if (files.filter(f -> f.getFileName().toString().startsWith("segment-")).count() >= count) {
                    // a local copy exists from the start of its download; give the downloads and their checks
                    // time to finish (tiny segments: milliseconds, but the machine may be busy)
                    Thread.sleep(500);
                    return;
                }
            } catch (java.io.UncheckedIOException e) {
                // a copy being written or removed while the folder is walked: look again
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the task did not fetch " + count + " segments ahead");
    }

    private static long offset(SourceRecord record) {
        return ((Number) record.sourceOffset().get(RestoreOffsets.OFFSET)).longValue();
    }

    /** Per partition, the original offsets handed over, in the order they were. */
    private static Map<Integer, List<Long>> byPartition(List<List<SourceRecord>> batches) {
        Map<Integer, List<Long>> offsets = new LinkedHashMap<>();
        batches.forEach(batch -> batch.forEach(r ->
                offsets.computeIfAbsent(r.kafkaPartition(), p -> new ArrayList<>()).add(offset(r))));
        return offsets;
    }

    private static long count(List<SourceRecord> batch, int partition) {
        return batch.stream().filter(r -> r.kafkaPartition() == partition).count();
    }

    private static List<Long> range(long last) {
        List<Long> offsets = new ArrayList<>();
        for (long o = 0; o <= last; o++) {
            offsets.add(o);
        }
        return offsets;
    }

    @Test
    void aPollHandsOverRecordsOfSeveralPartitionsEachInOrderAndEachOffsetOnce() throws Exception {
        backUp(0, 29, 7);
        backUp(1, 19, 5);
        backUp(2, 4, 5);
        RestoreSourceTask task = start(3, 12);
        awaitFetched(10);

        List<List<SourceRecord>> batches = poll(task, 1);
        batches.addAll(poll(task, 55 - 1));

        assertEquals(1, batches.get(0).size(), "the first record alone, the destination's probe");
        assertNotNull(batches.get(0).get(0).sourceOffset().get(RestoreOffsets.PROBE_TARGET_CLUSTER));
        assertEquals(0, batches.get(0).get(0).kafkaPartition(), "of the first partition in task order, as ever");
        List<SourceRecord> second = batches.get(1);
        assertEquals(List.of(4L, 4L, 4L), List.of(count(second, 0), count(second, 1), count(second, 2)),
                "the next poll shares its allowance of 12 between the 3 partitions: " + second);
        Map<Integer, List<Long>> offsets = byPartition(batches);
        assertEquals(range(29), offsets.get(0));
        assertEquals(range(19), offsets.get(1));
        assertEquals(range(4), offsets.get(2));
        for (List<SourceRecord> batch : batches) {
            for (SourceRecord record : batch) {
                long last = record.kafkaPartition() == 0 ? 29 : record.kafkaPartition() == 1 ? 19 : 4;
                assertEquals(offset(record) == last, RestoreOffsets.isLast(record),
                        "complete=true on each partition's last record only: " + record.sourceOffset());
            }
        }
        assertEquals(null, task.poll(), "nothing more once every partition is restored");
    }

    @Test
    void aCorruptSegmentInOnePartitionStopsTheTaskNamingItAndNothingOfItAfterIsHandedOver() throws Exception {
        backUp(0, 29, 5);
        List<SegmentDescriptor> damaged = backUp(1, 29, 5);
        backUp(2, 29, 5);
        String key = LAYOUT.segmentKey(damaged.get(2)); // offsets 10..14
        Path file = dir.resolve("store").resolve(key);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 20] ^= 0x5a;
        Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        RestoreSourceTask task = start(3, 6);
        List<List<SourceRecord>> batches = new ArrayList<>();

        ConnectException e = assertThrows(ConnectException.class, () -> {
            for (int i = 0; i < 200; i++) {
                batches.addAll(poll(task, 1));
            }
        }, "the task goes on past the damaged segment");

        assertTrue(e.getMessage().startsWith("Restore of orders-1 into orders stopped: "), e.getMessage());
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getCause() instanceof CorruptSegmentException, e.toString());
        Map<Integer, List<Long>> offsets = byPartition(batches);
        assertEquals(range(9), offsets.get(1), "partition 1 up to the damaged segment, nothing from it on");
        for (int p : List.of(0, 2)) {
            List<Long> other = offsets.get(p);
            assertEquals(range(other.size() - 1), other, "partition " + p + " in order, each offset once");
            assertFalse(other.isEmpty(), "the other partitions were read along");
        }
    }
}
