package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.HighWaterMarks;
import io.lifeboat.core.layout.OffsetGap;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.SegmentReader;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ForwardingStore;
import io.lifeboat.core.storage.ObjectStores;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupSinkTaskTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    @TempDir
    Path root;
    @TempDir
    Path spool;

    private final FakeTime time = new FakeTime();
    private final List<BackupSinkTask> tasks = new ArrayList<>();
    private final Map<BackupSinkTask, RecordingSinkTaskContext> contexts = new HashMap<>();

    @AfterEach
    void stopTasks() {
        tasks.forEach(BackupSinkTask::stop);
    }

    private Map<String, String> props(String... extra) {
        Map<String, String> props = new HashMap<>();
        props.put("storage.backend", "filesystem");
        props.put("filesystem.root", root.toString());
        props.put("storage.prefix", "set1");
        props.put("spool.dir", spool.toString());
        props.put("segment.max.records", "3");
        props.put("segment.max.age.ms", "60000");
        for (int i = 0; i < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        return props;
    }

    private BackupSinkTask startTask(Map<String, String> props, TopicPartition... partitions) {
        return started(new BackupSinkTask(time), props, partitions);
    }

    /** A task on {@code store}, the listings of which a test can look at. */
    private BackupSinkTask startTask(ForwardingStore store, Map<String, String> props, TopicPartition... partitions) {
        return started(new BackupSinkTask(time, config -> store, ObjectStores::openForCheck), props, partitions);
    }

    private BackupSinkTask started(BackupSinkTask task, Map<String, String> props, TopicPartition... partitions) {
        tasks.add(task);
        RecordingSinkTaskContext context = new RecordingSinkTaskContext();
        contexts.put(task, context);
        task.initialize(context);
        task.start(props);
        task.open(List.of(partitions));
        return task;
    }

    /**
     * Hands the records to the task and waits for their sealed segments to be uploaded, then calls put()
     * once more with no records, as Connect does, so that an upload's failure fails this call.
     */
    private static void put(BackupSinkTask task, Collection<SinkRecord> records) {
        task.put(records);
        task.awaitUploads(10_000);
        task.put(List.of());
    }

    /** The rewinds the task asked for since the last call (Connect seeks before its next poll). */
    private Map<TopicPartition, Long> rewinds(BackupSinkTask task) {
        return contexts.get(task).takeOffsets();
    }

    private static SinkRecord record(TopicPartition tp, long offset) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.add("h", ("v" + offset).getBytes(StandardCharsets.UTF_8), Schema.OPTIONAL_BYTES_SCHEMA);
        headers.add("h", null, Schema.OPTIONAL_BYTES_SCHEMA);
        return new SinkRecord(tp.topic(), tp.partition(), Schema.OPTIONAL_BYTES_SCHEMA,
                ("k" + offset).getBytes(StandardCharsets.UTF_8), Schema.OPTIONAL_BYTES_SCHEMA,
                offset % 5 == 0 ? null : ("value-" + offset).getBytes(StandardCharsets.UTF_8), offset,
                1_700_000_000_000L + offset, TimestampType.CREATE_TIME, headers);
    }

    private static List<SinkRecord> records(TopicPartition tp, long from, long toInclusive) {
        List<SinkRecord> out = new ArrayList<>();
        for (long o = from; o <= toInclusive; o++) {
            out.add(record(tp, o));
        }
        return out;
    }

    private List<SegmentDescriptor> segments(TopicPartition tp) throws IOException {
        BackupLayout layout = new BackupLayout("set1/");
        List<SegmentDescriptor> out = new ArrayList<>();
        for (StoredObject o : new FilesystemObjectStore(root).list(layout.segmentsPrefix(tp))) {
            out.add(layout.parseSegmentKey(o.key()).orElseThrow());
        }
        return out;
    }

    private List<BackupRecord> storedRecords(TopicPartition tp) throws IOException {
        BackupLayout layout = new BackupLayout("set1/");
        List<BackupRecord> out = new ArrayList<>();
        for (SegmentDescriptor s : segments(tp)) {
            Path file = root.resolve(layout.segmentKey(s));
            try (SegmentReader reader = SegmentReader.open(file, layout.segmentKey(s), s)) {
                for (BackupRecord r = reader.next(); r != null; r = reader.next()) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    @Test
    void fullSegmentsAreUploadedAndOnlyDurableOffsetsCommitted() throws IOException {
        BackupSinkTask task = startTask(props(), P0, P1);
        put(task, records(P0, 0, 6));
        put(task, records(P1, 10, 11));

        assertEquals(List.of(0L, 3L), segments(P0).stream().map(SegmentDescriptor::firstOffset).toList());
        assertEquals(List.of(), segments(P1));
        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of());
        assertEquals(6L, committed.get(P0).offset(), "offset 6 is only spooled, so the commit stops before it");
        assertEquals(10L, committed.get(P1).offset());

        SegmentDescriptor second = segments(P0).get(1);
        assertEquals(2L, second.previousLastOffset());
        assertEquals(1_700_000_000_003L, second.minTimestamp());
    }

    @Test
    void storedRecordsKeepEverything() throws IOException {
        BackupSinkTask task = startTask(props(), P0);
        put(task, records(P0, 0, 2));
        List<BackupRecord> stored = storedRecords(P0);
        assertEquals(3, stored.size());
        assertNull(stored.get(0).value(), "offset 0 has a null value (tombstone)");
        assertArrayEquals("value-1".getBytes(StandardCharsets.UTF_8), stored.get(1).value());
        assertEquals(2, stored.get(1).headers().size());
        assertNull(stored.get(1).headers().get(1).value());
        assertEquals(1_700_000_000_002L, stored.get(2).timestamp());
    }

    @Test
    void agedSegmentIsUploadedByTheTimerWithoutPut() throws Exception {
        BackupSinkTask task = startTask(props("segment.max.age.ms", "200"), P0);
        put(task, records(P0, 0, 1));
        assertEquals(List.of(), segments(P0));
        time.advance(250);
        waitFor(() -> {
            try {
                return segments(P0).size() == 1;
            } catch (IOException e) {
                return false;
            }
        });
        assertTrue(task.awaitUploads(10_000), "the uploader records the segment as durable once the store took it");
        assertEquals(2L, task.preCommit(Map.of()).get(P0).offset());
    }

    @Test
    void redeliveredBatchIsStoredOnce() throws IOException {
        BackupSinkTask task = startTask(props(), P0);
        put(task, records(P0, 0, 1));
        put(task, records(P0, 0, 4));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), storedRecordsAfterFlush(task).stream().map(BackupRecord::offset).toList());
    }

    private List<BackupRecord> storedRecordsAfterFlush(BackupSinkTask task) throws IOException {
        time.advance(120_000);
        put(task, List.of());
        return storedRecords(P0);
    }

    @Test
    void restartAfterUploadButBeforeCommitWritesNothingTwice() throws IOException {
        BackupSinkTask first = startTask(props(), P0);
        put(first, records(P0, 0, 7));
        first.stop();
        List<SegmentDescriptor> before = segments(P0);
        assertEquals(2, before.size());

        BackupSinkTask second = startTask(props("segment.max.records", "4"), P0);
        put(second, records(P0, 0, 9));
        assertEquals(10L, second.preCommit(Map.of()).get(P0).offset(), "6..9 filled a segment of 4");
        List<BackupRecord> stored = storedRecordsAfterFlush(second);
        assertEquals(10, stored.size());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), stored.stream().map(BackupRecord::offset).toList());
        assertEquals(5L, segments(P0).get(2).previousLastOffset());
    }

    @Test
    void recreatedTopicWhoseOffsetsStartOverIsAnError() throws IOException {
        BackupSinkTask first = startTask(props(), P0);
        put(first, records(P0, 0, 5));
        first.stop();

        BackupSinkTask second = startTask(props(), P0);
        List<SinkRecord> newTopic = new ArrayList<>();
        for (long o = 0; o < 3; o++) {
            newTopic.add(new SinkRecord(P0.topic(), P0.partition(), null, null, Schema.OPTIONAL_BYTES_SCHEMA,
                    ("new-" + o).getBytes(StandardCharsets.UTF_8), o, 1_800_000_000_000L + o, TimestampType.CREATE_TIME));
        }
        ConnectException e = assertThrows(ConnectException.class, () -> put(second, newTopic));
        assertTrue(e.getMessage().contains("deleted and created again"), e.getMessage());
        assertTrue(e.getMessage().contains("orders-0"), e.getMessage());
        assertEquals(2, segments(P0).size(), "nothing of the new topic was mixed into the backup set");
    }

    /** Records of a topic created again under the same name: other values, later timestamps. */
    private static List<SinkRecord> newIncarnation(TopicPartition tp, long from, long toInclusive) {
        List<SinkRecord> out = new ArrayList<>();
        for (long o = from; o <= toInclusive; o++) {
            out.add(new SinkRecord(tp.topic(), tp.partition(), null, null, Schema.OPTIONAL_BYTES_SCHEMA,
                    ("new-" + o).getBytes(StandardCharsets.UTF_8), o, 1_800_000_000_000L + o, TimestampType.CREATE_TIME));
        }
        return out;
    }

    private List<String> gapKeys() throws IOException {
        return new FilesystemObjectStore(root).list("set1/gaps/").stream().map(StoredObject::key).toList();
    }

    @Test
    void recreatedTopicWithMoreRecordsThanTheBackupIsAnErrorNotAnAppend() throws IOException {
        BackupSinkTask first = startTask(props(), P0);
        put(first, records(P0, 0, 5));
        assertEquals(6L, first.preCommit(Map.of()).get(P0).offset());
        first.stop();

        // The topic was deleted and created again with more records; the consumer fetches at the committed 6.
        BackupSinkTask second = startTask(props(), P0);
        put(second, newIncarnation(P0, 6, 8));
        assertEquals(Map.of(P0, 5L), rewinds(second), "rewound to the last stored offset to check it");
        assertTrue(second.preCommit(Map.of()).isEmpty(), "nothing is claimed before the chain is checked");
        ConnectException e = assertThrows(ConnectException.class, () -> put(second, newIncarnation(P0, 5, 8)));
        assertTrue(e.getMessage().contains("Offset 5 of orders-0"), e.getMessage());
        assertTrue(e.getMessage().contains("set1/segments/orders/000000/00000000000000000003-00000000000000000005"),
                e.getMessage());
        assertTrue(e.getMessage().contains("deleted and created again"), e.getMessage());
        assertTrue(e.getMessage().contains("new storage.prefix"), e.getMessage());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), storedRecords(P0).stream().map(BackupRecord::offset).toList(),
                "nothing of the new topic was mixed into the backup set");
        assertEquals(List.of(), gapKeys());
    }

    @Test
    void restartRewindsToTheLastStoredOffsetOnceAndStoresNothingTwice() throws IOException {
        BackupSinkTask first = startTask(props(), P0);
        put(first, records(P0, 0, 5));
        first.stop();

        BackupSinkTask second = startTask(props(), P0);
        put(second, records(P0, 6, 7));
        assertEquals(Map.of(P0, 5L), rewinds(second));
        put(second, records(P0, 5, 9));
        assertEquals(Map.of(), rewinds(second), "one rewind per assignment");
        put(second, records(P0, 10, 10));
        assertEquals(Map.of(), rewinds(second));
        assertEquals(9L, second.preCommit(Map.of()).get(P0).offset(), "6..8 are stored, 9..10 spooled");
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L),
                storedRecordsAfterFlush(second).stream().map(BackupRecord::offset).toList());
        assertEquals(5L, segments(P0).get(2).previousLastOffset());
        assertEquals(List.of(), gapKeys());
    }

    @Test
    void aStoreFailureOfABackgroundUploadIsRetriedAndCommitsNothingUntilItSucceeds() throws IOException {
        BackupSinkTask first = startTask(props(), P0, P1);
        put(first, records(P0, 0, 5));
        first.stop();
        // P1's segments cannot be written: a file where its folder would be.
        Files.createDirectories(root.resolve("set1/segments/orders"));
        Files.writeString(root.resolve("set1/segments/orders/000001"), "in the way");

        BackupSinkTask second = startTask(props(), P0, P1);
        List<SinkRecord> batch = new ArrayList<>(records(P0, 6, 7));
        batch.addAll(records(P1, 0, 2));
        second.put(batch); // P1's full segment 0..2 is sealed; its upload fails in the background
        assertEquals(Map.of(P0, 5L), rewinds(second));
        assertFalse(second.awaitUploads(500), "the upload of P1's segment keeps failing while the file is in the way");
        second.put(List.of());
        assertEquals(0L, second.preCommit(Map.of()).get(P1).offset(), "nothing of P1 is committed while it fails");
        Files.delete(root.resolve("set1/segments/orders/000001"));
        assertTrue(second.awaitUploads(10_000), "the uploader retries after its backoff");
        assertEquals(3L, second.preCommit(Map.of()).get(P1).offset());
        put(second, records(P0, 5, 8));
        assertEquals(List.of(), gapKeys());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L),
                storedRecords(P0).stream().map(BackupRecord::offset).toList());
    }


    @Test
    void recordsDeletedBeforeTheBackupReadThemAreRecordedAsAGapBeforeTheNextSegment() throws IOException {
        BackupSinkTask first = startTask(props(), P0);
        put(first, records(P0, 0, 5));
        first.stop();

        // Retention deleted everything below 20: the consumer starts at 20, and again after the rewind to 5.
        BackupSinkTask second = startTask(props(), P0);
        put(second, records(P0, 20, 21));
        assertEquals(Map.of(P0, 5L), rewinds(second));
        assertEquals(List.of(), gapKeys());
        put(second, records(P0, 20, 21));
        assertEquals(List.of("set1/gaps/orders/000000/00000000000000000006-00000000000000000019"), gapKeys(),
                "the hole is recorded before the records after it are stored");
        assertEquals(2, segments(P0).size());
        String content = new String(new FilesystemObjectStore(root)
                .open(gapKeys().get(0)).readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(content.contains("\"first_missing_offset\":6,\"last_missing_offset\":19"), content);
        assertTrue(content.contains("\"next_delivered_timestamp\":1700000000020"), content);

        put(second, records(P0, 22, 23));
        assertEquals(Map.of(), rewinds(second));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 20L, 21L, 22L, 23L),
                storedRecordsAfterFlush(second).stream().map(BackupRecord::offset).toList());
        assertEquals(5L, segments(P0).get(2).previousLastOffset(), "the segment after the hole follows the chain");
        assertEquals(1, gapKeys().size());
    }

    @Test
    void onlyTheLastStoredRecordDeletedIsNoGap() throws IOException {
        BackupSinkTask first = startTask(props(), P0);
        put(first, records(P0, 0, 5));
        first.stop();

        BackupSinkTask second = startTask(props(), P0);
        put(second, records(P0, 6, 7));
        assertEquals(Map.of(P0, 5L), rewinds(second));
        put(second, records(P0, 6, 8));
        assertEquals(List.of(), gapKeys());
        assertEquals(9L, second.preCommit(Map.of()).get(P0).offset());
    }

    @Test
    void recreatedTopicIsAnErrorWhenTheStoredChainStartsAfterOffsetZero() throws IOException {
        // The backup started on a topic with retention: its chain is 1000..1005, prev=none.
        BackupSinkTask first = startTask(props(), P0);
        put(first, records(P0, 1000, 1005));
        first.stop();
        List<SegmentDescriptor> before = segments(P0);

        // The topic was deleted and created again: its committed offsets went with it, the consumer starts at 0.
        BackupSinkTask second = startTask(props(), P0);
        ConnectException e = assertThrows(ConnectException.class, () -> put(second, newIncarnation(P0, 0, 2)));
        assertTrue(e.getMessage().contains("Offset 0 of orders-0"), e.getMessage());
        assertTrue(e.getMessage().contains("1000..1005"), e.getMessage());
        assertTrue(e.getMessage().contains("deleted and created again"), e.getMessage());
        assertTrue(e.getMessage().contains("new storage.prefix"), e.getMessage());
        assertTrue(second.preCommit(Map.of()).isEmpty(), "nothing of the new topic is claimed");
        assertEquals(before, segments(P0), "nothing of the new topic was mixed into the backup set");
        assertEquals(List.of(), gapKeys());
    }

    @Test
    void resetToRecordsBeforeTheFirstStoredSegmentOfTheSameTopicIsBackedUp() throws IOException {
        BackupSinkTask first = startTask(props(), P0);
        put(first, records(P0, 1000, 1005));
        first.stop();

        // The operator reset the group to the topic's earliest offset, 990: older records of the same topic.
        BackupSinkTask second = startTask(props(), P0);
        put(second, records(P0, 990, 992));
        assertEquals(Map.of(), rewinds(second));
        assertEquals(993L, second.preCommit(Map.of()).get(P0).offset());
        assertTrue(storedRecords(P0).stream().map(BackupRecord::offset).toList().containsAll(List.of(990L, 991L, 992L)));
    }

    @Test
    void resetBeforeAChainOfRecordsWithoutTimestampsIsNotRefused() throws IOException {
        BackupSinkTask first = startTask(props(), P0);
        List<SinkRecord> untimed = new ArrayList<>();
        for (long o = 1000; o <= 1002; o++) {
            untimed.add(new SinkRecord(P0.topic(), P0.partition(), null, null, Schema.OPTIONAL_BYTES_SCHEMA,
                    ("old-" + o).getBytes(StandardCharsets.UTF_8), o, null, TimestampType.NO_TIMESTAMP_TYPE));
        }
        put(first, untimed);
        first.stop();
        assertEquals(SegmentDescriptor.NONE, segments(P0).get(0).maxTimestamp());

        BackupSinkTask second = startTask(props(), P0);
        put(second, records(P0, 990, 991));
        assertEquals(990L, second.preCommit(Map.of()).get(P0).offset(), "990..991 are spooled");
    }

    @Test
    void recreatedTopicWhoseFirstOffsetFallsBetweenStoredSegmentsIsAnError() throws IOException {
        // 3..5 were never delivered to the backup (transaction markers): the chain is 0..2, then 6..8 with prev=2.
        BackupSinkTask first = startTask(props(), P0);
        put(first, records(P0, 0, 2));
        put(first, records(P0, 6, 8));
        first.stop();
        assertEquals(2L, segments(P0).get(1).previousLastOffset());

        BackupSinkTask second = startTask(props(), P0);
        ConnectException e = assertThrows(ConnectException.class, () -> put(second, newIncarnation(P0, 4, 5)));
        assertTrue(e.getMessage().contains("Offset 4 of orders-0"), e.getMessage());
        assertTrue(e.getMessage().contains("deleted and created again"), e.getMessage());
        assertEquals(2, segments(P0).size());
    }

    @Test
    void resetIntoARecordedGapIsNotRefused() throws IOException {
        BackupSinkTask first = startTask(props(), P0);
        put(first, records(P0, 0, 5));
        first.stop();
        BackupSinkTask second = startTask(props(), P0);
        put(second, records(P0, 20, 22));
        put(second, records(P0, 20, 22));
        second.stop();
        assertEquals(List.of("set1/gaps/orders/000000/00000000000000000006-00000000000000000019"), gapKeys());

        // The operator puts the group back to 10, inside the recorded hole, to back up what is there.
        BackupSinkTask third = startTask(props(), P0);
        put(third, records(P0, 10, 11));
        assertEquals(10L, third.preCommit(Map.of()).get(P0).offset(), "10..11 are spooled");
    }

    @Test
    void offsetsThatStartedOverBelowTheRewindAreAnError() throws IOException {
        BackupSinkTask first = startTask(props(), P0);
        put(first, records(P0, 1000, 1005));
        first.stop();

        BackupSinkTask second = startTask(props(), P0);
        put(second, records(P0, 1006, 1007));
        assertEquals(Map.of(P0, 1005L), rewinds(second));
        // Positioned at 1005, the consumer got offset 0 first: the topic's offsets started over.
        ConnectException e = assertThrows(ConnectException.class, () -> put(second, newIncarnation(P0, 0, 2)));
        assertTrue(e.getMessage().contains("offset 0 of orders-0"), e.getMessage());
        assertTrue(e.getMessage().contains("1000..1005"), e.getMessage());
        assertTrue(e.getMessage().contains("deleted and created again"), e.getMessage());
        assertTrue(second.preCommit(Map.of()).isEmpty());
        assertEquals(2, segments(P0).size());
        assertEquals(List.of(), gapKeys());
    }

    @Test
    void aRewindThatOvershootsTheFirstDeliveredOffsetIsAnErrorNotAGap() throws IOException {
        BackupSinkTask first = startTask(props(), P0);
        put(first, records(P0, 0, 5));
        first.stop();

        // The consumer starts at the committed 8 (6..7 were transaction markers); 5 aged out meanwhile, and
        // auto.offset.reset=latest makes the rewind to 5 land at the partition's end, 30.
        BackupSinkTask second = startTask(props(), P0);
        put(second, records(P0, 8, 9));
        assertEquals(Map.of(P0, 5L), rewinds(second));
        ConnectException e = assertThrows(ConnectException.class, () -> put(second, records(P0, 30, 31)));
        assertTrue(e.getMessage().contains("auto.offset.reset"), e.getMessage());
        assertTrue(e.getMessage().contains("orders-0"), e.getMessage());
        assertTrue(e.getMessage().contains("offset 30"), e.getMessage());
        assertTrue(e.getMessage().contains("offset 8"), e.getMessage());
        assertEquals(List.of(), gapKeys(), "records 8..29 were in the topic: no gap is recorded for them");
        assertTrue(second.preCommit(Map.of()).isEmpty(), "nothing past the stored chain is committed");
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), storedRecords(P0).stream().map(BackupRecord::offset).toList());
    }

    @Test
    void aGapAfterTheRewindEndsBeforeTheFirstDeliveredOffset() throws IOException {
        BackupSinkTask first = startTask(props(), P0);
        put(first, records(P0, 0, 5));
        first.stop();

        // First delivered 20; after the rewind to 5 (gone) the topic's first record is 12.
        BackupSinkTask second = startTask(props(), P0);
        put(second, records(P0, 20, 21));
        assertEquals(Map.of(P0, 5L), rewinds(second));
        put(second, records(P0, 12, 14));
        assertEquals(List.of("set1/gaps/orders/000000/00000000000000000006-00000000000000000011"), gapKeys());
    }

    @Test
    void revokedPartitionUploadsItsOpenSegmentAndTheNextOwnerSkipsIt() throws IOException {
        BackupSinkTask task = startTask(props(), P0, P1);
        put(task, records(P0, 0, 1));
        task.close(List.of(P0));
        assertTrue(task.preCommit(Map.of()).isEmpty());
        assertEquals(1, segments(P0).size(), "the open segment was uploaded on revocation");

        BackupSinkTask next = startTask(props(), P0);
        put(next, records(P0, 0, 3));
        assertEquals(List.of(0L, 1L, 2L, 3L), storedRecordsAfterFlush(next).stream().map(BackupRecord::offset).toList());
    }

    @Test
    void spoolWriteFailureFailsTheTaskWithoutClaimingAnything() throws IOException {
        BackupSinkTask task = startTask(props(), P0);
        put(task, records(P0, 0, 1));
        try (var dirs = Files.list(spool)) {
            Path taskDir = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
            try (var files = Files.list(taskDir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(taskDir);
            Files.writeString(taskDir, "not a folder");
        }
        task.close(List.of(P0));
        task.open(List.of(P0));
        // the revocation's upload met the failure first (its segment file could not be written)
        ConnectException e = assertThrows(ConnectException.class, () -> put(task, records(P0, 2, 2)));
        assertTrue(e.getMessage().contains("offsets 0..1 of orders-0"), e.getMessage());
        assertTrue(task.preCommit(Map.of()).isEmpty(), "nothing is claimed after the failure");
    }

    /** A tmp cleaner removes the spool folder under a running task: the task fails instead of retrying forever. */
    @Test
    void spoolFolderRemovedUnderARunningTaskFailsTheTask() throws IOException {
        BackupSinkTask task = startTask(props(), P0);
        task.initialize(new RecordingSinkTaskContext());
        put(task, records(P0, 0, 1));
        Path taskDir = taskFolder();
        try (var files = Files.walk(taskDir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        ConnectException e = assertThrows(ConnectException.class, () -> put(task, records(P0, 2, 2)));
        assertFalse(e instanceof RetriableException, "retrying cannot bring the folder back: " + e.getMessage());
        assertTrue(e.getMessage().contains(taskDir.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("was removed while the task was running"), e.getMessage());
        assertEquals(0L, task.preCommit(Map.of()).get(P0).offset(), "nothing is claimed after the failure");
    }

    @Test
    void spoolFileRemovedUnderARunningTaskFailsTheTask() throws IOException {
        BackupSinkTask task = startTask(props(), P0);
        task.initialize(new RecordingSinkTaskContext());
        put(task, records(P0, 0, 1));
        Path spoolFile;
        try (var files = Files.list(taskFolder())) {
            spoolFile = files.filter(f -> f.toString().endsWith(".spool")).findFirst().orElseThrow();
        }
        Files.delete(spoolFile);
        ConnectException e = assertThrows(ConnectException.class, () -> put(task, records(P0, 2, 2)));
        assertFalse(e instanceof RetriableException, e.getMessage());
        assertTrue(e.getMessage().contains(spoolFile.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offsets 0..2 of orders-0"), e.getMessage());
    }

    private Path taskFolder() throws IOException {
        try (var dirs = Files.list(spool)) {
            return dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @Test
    void highWaterMarksFollowTheStoredSegmentsOfEveryPartitionTheTaskHeld() throws IOException {
        BackupLayout layout = new BackupLayout("set1/");
        FilesystemObjectStore store = new FilesystemObjectStore(root);
        String key = layout.highWaterKey("orders-backup", 2);
        BackupSinkTask task = startTask(props("name", "orders-backup", "backup.task.number", "2"), P0, P1);
        put(task, records(P0, 0, 4)); // a segment of 0..2 is stored, 3..4 are spooled
        put(task, records(P1, 0, 1));
        task.preCommit(Map.of());
        assertEquals(Map.of(P0, 2L), HighWaterMarks.read(store, key), "only stored segments count");

        task.close(List.of(P0, P1)); // revocation stores the open segments
        assertEquals(Map.of(P0, 4L, P1, 1L), HighWaterMarks.read(store, key));

        BackupSinkTask next = startTask(props("name", "orders-backup", "backup.task.number", "2"), P1);
        put(next, records(P1, 2, 4));
        assertEquals(Map.of(P1, 1L), rewinds(next), "the first record is checked against the stored chain");
        put(next, records(P1, 1, 4));
        next.preCommit(Map.of());
        assertEquals(Map.of(P0, 4L, P1, 4L), HighWaterMarks.read(store, key),
                "a restarted task keeps the marks of partitions it no longer holds");
    }

    @Test
    void aStoreSettingTheStoreRejectsFailsTheTaskAtStart() throws IOException {
        Path file = Files.writeString(root.resolve("not-a-folder"), "x");
        BackupSinkTask task = new BackupSinkTask(time);
        tasks.add(task);
        ConnectException e = assertThrows(ConnectException.class,
                () -> task.start(props("filesystem.root", file.toString())));
        assertTrue(e.getMessage().contains("fix filesystem.root"), e.getMessage());
    }

    @Test
    void partitionMarkersAreWrittenOnOpen() throws IOException {
        startTask(props(), P0, P1);
        List<String> keys = new FilesystemObjectStore(root).list("set1/partitions/").stream()
                .map(StoredObject::key).toList();
        assertEquals(List.of("set1/partitions/orders/000000", "set1/partitions/orders/000001"), keys);
    }

    @Test
    void nonBytesValueIsRejectedWithTheOffset() {
        BackupSinkTask task = startTask(props(), P0);
        SinkRecord text = new SinkRecord("orders", 0, null, null, Schema.STRING_SCHEMA, "text", 42);
        ConnectException e = assertThrows(ConnectException.class, () -> put(task, List.of(text)));
        assertTrue(e.getMessage().contains("orders-0 offset 42"), e.getMessage());
    }

    /** The start-after keys of the listings of P0's segments since the last call ("" for the whole folder). */
    private static List<String> segmentListings(ForwardingStore store, List<Integer> keysListed) {
        List<String> startAfters = new ArrayList<>();
        for (ForwardingStore.Listing listing : store.takeListings()) {
            if (listing.prefix().equals(LAYOUT.segmentsPrefix(P0))) {
                startAfters.add(listing.startAfter());
                keysListed.add(listing.keys());
            }
        }
        return startAfters;
    }

    private static final BackupLayout LAYOUT = new BackupLayout("set1/");

    /** Backs up offsets {@code 0..last} of P0 in segments of 100 and commits them (the mark is {@code last}). */
    private void backUpAndCommit(long last) {
        BackupSinkTask first = startTask(props("segment.max.records", "100"), P0);
        put(first, records(P0, 0, last));
        assertEquals(last + 1, first.preCommit(Map.of()).get(P0).offset());
        first.close(List.of(P0));
        first.stop();
    }

    /**
     * Backs up {@code from..to} of P0 into another prefix, as an owner that did not see the set's segments
     * would, and moves the segment into the set: an overlapping (replayed) segment.
     */
    private void writeReplayedSegment(long from, long to) throws IOException {
        BackupSinkTask other = startTask(props("storage.prefix", "other", "segment.max.records",
                Long.toString(to - from + 1)), P0);
        put(other, records(P0, from, to));
        other.stop();
        BackupLayout otherLayout = new BackupLayout("other/");
        for (StoredObject o : new FilesystemObjectStore(root).list(otherLayout.segmentsPrefix(P0))) {
            SegmentDescriptor d = otherLayout.parseSegmentKey(o.key()).orElseThrow();
            Files.move(root.resolve(o.key()), root.resolve(LAYOUT.segmentKey(d)));
        }
    }

    private ForwardingStore countingStore() {
        return new ForwardingStore(new FilesystemObjectStore(root));
    }

    @Test
    void aPartitionResumingAfterARebalanceListsOnlyTheSegmentsAroundItsCommittedOffset() throws IOException {
        backUpAndCommit(4_999); // 50 segments of 100, committed at 5000, marked 4999
        ForwardingStore store = countingStore();
        BackupSinkTask second = startTask(store, props("segment.max.records", "100"), P0);
        store.takeListings();

        put(second, records(P0, 5_000, 5_099));
        assertEquals(Map.of(P0, 4_999L), rewinds(second), "rewound to the last stored offset to check it");
        List<Integer> keys = new ArrayList<>();
        assertEquals(List.of(LAYOUT.segmentsStartAfter(P0, 4_999 - 1_024)), segmentListings(store, keys),
                "from 1024 below the mark, which the committed offset follows");
        assertEquals(List.of(10), keys, "the segments from 4000 on, not the 50 of the partition");

        put(second, records(P0, 4_999, 5_199));
        assertEquals(5_200L, second.preCommit(Map.of()).get(P0).offset());
        assertEquals(List.of(), segmentListings(store, keys), "listed once per assignment");
        assertEquals(LongStream.rangeClosed(0, 5_199).boxed().toList(),
                storedRecords(P0).stream().map(BackupRecord::offset).toList(), "each offset stored once");
        assertEquals(4_999L, segments(P0).get(50).previousLastOffset());
        assertEquals(List.of(), gapKeys());
    }

    @Test
    void aRestartBetweenUploadAndCommitListsFromTheCommittedOffsetOnly() throws IOException {
        BackupSinkTask first = startTask(props("segment.max.records", "100"), P0);
        put(first, records(P0, 0, 2_999));
        assertEquals(3_000L, first.preCommit(Map.of()).get(P0).offset());
        put(first, records(P0, 3_000, 4_999)); // uploaded, never committed
        first.stop();

        ForwardingStore store = countingStore();
        BackupSinkTask second = startTask(store, props("segment.max.records", "100"), P0);
        store.takeListings();
        put(second, records(P0, 3_000, 5_099));
        List<Integer> keys = new ArrayList<>();
        assertEquals(List.of(LAYOUT.segmentsStartAfter(P0, 2_999 - 1_024)), segmentListings(store, keys),
                "the mark is 2999, written with the commit of 3000");
        assertEquals(List.of(30), keys, "the segments from 2000 on, not the 50 of the partition");
        assertEquals(Map.of(), rewinds(second));
        assertEquals(5_100L, second.preCommit(Map.of()).get(P0).offset());
        assertEquals(LongStream.rangeClosed(0, 5_099).boxed().toList(),
                storedRecords(P0).stream().map(BackupRecord::offset).toList(), "each offset stored once");
        assertEquals(4_999L, segments(P0).get(50).previousLastOffset());
    }

    @Test
    void withoutAHighWaterMarkTheResumeListsTheWholePartition() throws IOException {
        BackupSinkTask first = startTask(props("segment.max.records", "100"), P0);
        put(first, records(P0, 0, 4_999)); // stored, but no offset commit wrote a mark
        first.stop();
        assertEquals(List.of(), new FilesystemObjectStore(root).list(LAYOUT.highWaterPrefix()));

        ForwardingStore store = countingStore();
        BackupSinkTask second = startTask(store, props("segment.max.records", "100"), P0);
        store.takeListings();
        put(second, records(P0, 5_000, 5_099));
        List<Integer> keys = new ArrayList<>();
        assertEquals(List.of(""), segmentListings(store, keys));
        assertEquals(List.of(50), keys);
        assertEquals(Map.of(P0, 4_999L), rewinds(second));
        put(second, records(P0, 4_999, 5_099));
        assertEquals(5_100L, second.preCommit(Map.of()).get(P0).offset());
        assertEquals(4_999L, segments(P0).get(50).previousLastOffset());
    }

    @Test
    void aRecreatedTopicIsStillAnErrorWhenOnlyTheChainsEndIsListed() throws IOException {
        backUpAndCommit(4_999);
        ForwardingStore store = countingStore();
        BackupSinkTask second = startTask(store, props("segment.max.records", "100"), P0);
        store.takeListings();

        put(second, newIncarnation(P0, 5_000, 5_010));
        assertEquals(Map.of(P0, 4_999L), rewinds(second));
        ConnectException e = assertThrows(ConnectException.class, () -> put(second, newIncarnation(P0, 4_999, 5_010)));
        assertTrue(e.getMessage().contains("Offset 4999 of orders-0"), e.getMessage());
        assertTrue(e.getMessage().contains("deleted and created again"), e.getMessage());
        List<Integer> keys = new ArrayList<>();
        assertEquals(List.of(LAYOUT.segmentsStartAfter(P0, 3_975)), segmentListings(store, keys));
        assertEquals(50, segments(P0).size(), "nothing of the new topic was mixed into the backup set");
        assertEquals(List.of(), gapKeys());
    }

    @Test
    void aRecreatedTopicBetweenListedSegmentsIsConcludedOnTheWholeListing() throws IOException {
        backUpAndCommit(4_999);
        Files.delete(root.resolve(LAYOUT.segmentKey(segments(P0).get(45)))); // 4500..4599 is gone
        ForwardingStore store = countingStore();
        BackupSinkTask second = startTask(store, props("segment.max.records", "100"), P0);
        store.takeListings();

        // an operator's reset of the group to 4550, in no stored segment and no gap
        ConnectException e = assertThrows(ConnectException.class, () -> put(second, records(P0, 4_550, 4_560)));
        assertTrue(e.getMessage().contains("lies within the backup's stored offsets 0..4999"), e.getMessage());
        List<Integer> keys = new ArrayList<>();
        assertEquals(List.of(LAYOUT.segmentsStartAfter(P0, 4_550), LAYOUT.segmentsStartAfter(P0, 4_550 - 1_024), ""),
                segmentListings(store, keys), "the verdict is taken on the whole listing");
        assertEquals(List.of(4, 13, 49), keys);
    }

    @Test
    void aReplayedSegmentAcrossTheCommittedOffsetIsJoinedAndNotStoredAgain() throws IOException {
        backUpAndCommit(4_999);
        writeReplayedSegment(4_950, 5_049); // an earlier owner's late upload, after the one that committed 5000
        ForwardingStore store = countingStore();
        BackupSinkTask second = startTask(store, props("segment.max.records", "100"), P0);
        store.takeListings();

        put(second, records(P0, 5_000, 5_149));
        assertEquals(Map.of(), rewinds(second), "5000 is in the replayed segment: the chain is joined there");
        assertEquals(5_150L, second.preCommit(Map.of()).get(P0).offset());
        SegmentDescriptor next = segments(P0).get(segments(P0).size() - 1);
        assertEquals(5_050L, next.firstOffset(), "what the replayed segment holds is not stored again");
        assertEquals(5_049L, next.previousLastOffset());
        List<Integer> keys = new ArrayList<>();
        assertEquals(List.of(LAYOUT.segmentsStartAfter(P0, 3_975)), segmentListings(store, keys));
        assertEquals(List.of(11), keys, "4000..4900 and the replayed 4950");
    }

    @Test
    void aGapAfterTheRewindIsRecordedOnTheWholeListing() throws IOException {
        backUpAndCommit(4_999);
        writeReplayedSegment(3_000, 5_499); // starts before the look-back's bound, ends after the mark
        ForwardingStore store = countingStore();
        BackupSinkTask second = startTask(store, props("segment.max.records", "100"), P0);
        store.takeListings();

        // retention deleted everything below 6000
        put(second, records(P0, 6_000, 6_010));
        assertEquals(Map.of(P0, 4_999L), rewinds(second), "the end of the segments listed from 3975 on");
        put(second, records(P0, 6_000, 6_099));
        assertEquals(List.of(LAYOUT.gapKey(new OffsetGap(P0, 5_500, 5_999))), gapKeys(),
                "the replayed segment holds 5000..5499: they are no gap");
        assertEquals(6_100L, second.preCommit(Map.of()).get(P0).offset());
        assertEquals(5_499L, segments(P0).get(segments(P0).size() - 1).previousLastOffset());
        List<Integer> keys = new ArrayList<>();
        assertEquals(List.of(LAYOUT.segmentsStartAfter(P0, 3_975), ""), segmentListings(store, keys));
    }

    private static void waitFor(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }

    /** A clock the test moves by hand. */
    static final class FakeTime implements Time {
        private volatile long millis = 1_000_000;

        void advance(long ms) {
            millis += ms;
        }

        @Override
        public long milliseconds() {
            return millis;
        }

        @Override
        public long nanoseconds() {
            return millis * 1_000_000;
        }

        @Override
        public void sleep(long ms) {
            advance(ms);
        }

        @Override
        public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
            throw new UnsupportedOperationException("not used by the backup task");
        }
    }
}
