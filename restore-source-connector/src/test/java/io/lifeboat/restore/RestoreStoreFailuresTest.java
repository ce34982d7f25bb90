package io.lifeboat.restore;

import io.lifeboat.core.WorkFolderException;
import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.PartitionChain;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.layout.TimeRange;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.CorruptSegmentException;
import io.lifeboat.core.segment.RecordEncoder;
import io.lifeboat.core.segment.SegmentCompression;
import io.lifeboat.core.segment.SegmentFetcher;
import io.lifeboat.core.segment.SegmentFileWriter;
import io.lifeboat.core.segment.SegmentSpool;
import io.lifeboat.core.storage.FaultyBlobStore;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.S3ObjectStore;
import io.lifeboat.core.storage.S3ProxyServer;
import io.lifeboat.core.storage.StoreAccessException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restore reading from S3Proxy that answers real S3 errors over HTTP: a run of 503 SlowDown on
 * GetObject, longer than the client's and the fetcher's retries, only pauses the restore, which then
 * goes on from the same segment; a missing segment, an access denial and a segment in an archive
 * storage class stay fatal, and so does a work folder removed under the running restore.
 */
class RestoreStoreFailuresTest {

    private static final String BUCKET = "lifeboat-restore-faults";
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final FaultyBlobStore.Faults faults = new FaultyBlobStore.Faults();
    private static S3ProxyServer server;

    @TempDir
    Path work;

    private BackupLayout layout;
    private ObjectStore store;
    private final ReadFailurePolicy policy = new ReadFailurePolicy();
    private final List<SegmentPrefetcher> prefetchers = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3ProxyServer(blobStore -> new FaultyBlobStore(blobStore, faults)).start();
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void openStore() {
        faults.reset();
        layout = new BackupLayout("set-" + UUID.randomUUID() + "/");
        Map<String, String> props = server.storageProps(BUCKET);
        // two attempts per request instead of ten keep the test short; the answers are the same
        store = S3ObjectStore.createForCheck(new StorageConfig(new AbstractConfig(
                StorageConfig.define(new ConfigDef()), props)));
    }

    @AfterEach
    void closeStore() {
        prefetchers.forEach(SegmentPrefetcher::close);
        store.close();
    }

    private SegmentDescriptor writeSegment(long first, long last, long previous) throws IOException {
        try (SegmentSpool spool = new SegmentSpool(Files.createDirectories(work.resolve("spool")), TP, previous, 0)) {
            RecordEncoder encoder = new RecordEncoder();
            for (long o = first; o <= last; o++) {
                spool.append(new BackupRecord(TP.topic(), TP.partition(), o, 1_000L + o, TimestampType.CREATE_TIME,
                        new byte[]{(byte) o}, new byte[]{(byte) o}, List.of()), encoder);
            }
            Path file = work.resolve("seg-" + first + ".avro");
            SegmentDescriptor segment = new SegmentFileWriter(SegmentCompression.ZSTD).write(spool, file);
            store.put(layout.segmentKey(segment), file);
            return segment;
        }
    }

    private PartitionRestore restore(List<SegmentDescriptor> segments) {
        return restore(segments, work);
    }

    private PartitionRestore restore(List<SegmentDescriptor> segments, Path workFolder) {
        return new PartitionRestore(TP, "orders", chain(segments), RestoreOffsets.Progress.NONE, TimeRange.ALL,
                SegmentPrefetcher.Source.direct(new SegmentFetcher(store, layout, workFolder,
                        RestoreSourceTask.WORK_FOLDER_PLACED_BY)));
    }

    private PartitionChain chain(List<SegmentDescriptor> segments) {
        List<BackupCatalog.SegmentEntry> entries = new ArrayList<>();
        segments.forEach(s -> entries.add(new BackupCatalog.SegmentEntry(layout.segmentKey(s), 1, s)));
        return PartitionChain.of(TP, new BackupCatalog.PartitionEntry(TP, true, entries, List.of()), null, 0);
    }

    /** As the task reads: the segments fetched ahead, on the prefetcher's threads, from the start. */
    private PartitionRestore prefetchedRestore(List<SegmentDescriptor> segments) {
        SegmentPrefetcher prefetcher = new SegmentPrefetcher(new SegmentFetcher(store, layout, work,
                RestoreSourceTask.WORK_FOLDER_PLACED_BY));
        prefetchers.add(prefetcher);
        PartitionRestore restore = new PartitionRestore(TP, "orders", chain(segments), RestoreOffsets.Progress.NONE,
                TimeRange.ALL, prefetcher.lane(TP));
        prefetcher.plan(TP, restore.plannedSegments());
        return restore;
    }

    /** Polls as the task does: a failure goes to the policy, which throws when it is fatal. */
    private List<Long> drain(PartitionRestore restore, List<Long> waits) {
        List<Long> offsets = new ArrayList<>();
        long now = 0;
        for (int polls = 0; !restore.isComplete(); polls++) {
            assertTrue(polls < 100, "the restore does not get past the outage; read so far: " + offsets);
            try {
                for (SourceRecord record : restore.poll(2)) {
                    offsets.add((Long) record.sourceOffset().get(RestoreOffsets.OFFSET));
                }
                policy.succeeded();
            } catch (IOException e) {
                waits.add(policy.failed("Restore of " + TP + " into orders-0", e, now));
                now += waits.get(waits.size() - 1);
            }
        }
        return offsets;
    }

    @Test
    void aLongRunOfUnavailableAnswersOnGetObjectOnlyPausesTheRestore() throws IOException {
        SegmentDescriptor a = writeSegment(0, 2, SegmentDescriptor.NONE);
        SegmentDescriptor b = writeSegment(3, 5, 2);
        PartitionRestore restore = restore(List.of(a, b));
        List<Long> first = new ArrayList<>();
        for (SourceRecord record : restore.poll(2)) {
            first.add((Long) record.sourceOffset().get(RestoreOffsets.OFFSET));
        }
        faults.failingGets.set(30); // the client tries each GetObject twice, the fetcher three times: 5 rounds

        List<Long> waits = new ArrayList<>();
        List<Long> rest = drain(restore, waits);

        assertEquals(List.of(0L, 1L), first);
        assertEquals(List.of(2L, 3L, 4L, 5L), rest, "every offset once, in order, after the outage");
        assertEquals(List.of(1_000L, 2_000L, 4_000L, 8_000L, 16_000L), waits);
        assertEquals(0, faults.failingGets.get());
    }

    /**
     * A failure while looking past a record for the next one (here: fetching a segment whose records
     * are all after the time range) holds that record back until the retry tells whether it is the
     * last: it goes out flagged so, and the partition completes. Before, it went out unflagged and
     * the retry, finding nothing more, completed the partition with no record saying so.
     */
    @Test
    void aFailureLookingPastTheLastRecordStillFlagsItAsTheLast() throws IOException {
        SegmentDescriptor a = writeSegment(0, 2, SegmentDescriptor.NONE);
        SegmentDescriptor b = writeSegment(3, 5, 2);
        SegmentDescriptor c = writeSegment(6, 8, 5);
        // records have timestamps 1000 + offset: the range ends before offset 6
        PartitionRestore restore = new PartitionRestore(TP, "orders", chain(List.of(a, b, c)),
                RestoreOffsets.Progress.NONE, new TimeRange(java.util.OptionalLong.empty(),
                java.util.OptionalLong.of(1_006)), SegmentPrefetcher.Source.direct(new SegmentFetcher(store, layout,
                work, RestoreSourceTask.WORK_FOLDER_PLACED_BY)));
        List<SourceRecord> handedOver = new ArrayList<>(restore.poll(4)); // 0..3; b is fetched
        faults.failingGets.set(6); // one failed fetch of c: two attempts of the client, three of the fetcher

        long now = 0;
        for (int polls = 0; !restore.isComplete(); polls++) {
            assertTrue(polls < 20, "the restore does not complete; handed over: " + handedOver.size());
            try {
                handedOver.addAll(restore.poll(4));
            } catch (IOException e) {
                now += policy.failed("Restore of " + TP + " into orders-0", e, now);
            }
        }

        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), handedOver.stream()
                .map(r -> (Long) r.sourceOffset().get(RestoreOffsets.OFFSET)).toList());
        assertEquals(List.of(5L), handedOver.stream().filter(RestoreOffsets::isLast)
                .map(r -> (Long) r.sourceOffset().get(RestoreOffsets.OFFSET)).toList(),
                "the last record restored says it is the last");
        assertEquals(0, faults.failingGets.get(), "the fetch of c failed and was retried");
    }

    /**
     * The outage hits the downloads made ahead, on the prefetcher's threads: the restore sees each
     * failure when it asks for the segment, pauses as without prefetching, and reads every offset once.
     */
    @Test
    void anOutageDuringPrefetchingPausesTheRestoreTheSameWay() throws IOException {
        SegmentDescriptor a = writeSegment(0, 2, SegmentDescriptor.NONE);
        SegmentDescriptor b = writeSegment(3, 5, 2);
        faults.failingGets.set(30); // the client tries each GetObject twice, the fetcher three times: 5 rounds

        List<Long> waits = new ArrayList<>();
        List<Long> offsets = drain(prefetchedRestore(List.of(a, b)), waits);

        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), offsets, "every offset once, in order, after the outage");
        assertFalse(waits.isEmpty(), "the failures fetched ahead reach the restore");
        assertEquals(1_000L, waits.get(0), "the first pause is the policy's first"); // a success in between restarts it
        assertEquals(0, faults.failingGets.get());
        try (var left = Files.list(work)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("segment-")).toList(),
                    "no local copy is left");
        }
    }

    /**
     * A tmp cleaner removes the task's work folder while it restores: no wait brings it back, so the
     * task stops, naming the folder, instead of retrying while RUNNING.
     */
    @Test
    void aWorkFolderRemovedUnderARunningRestoreIsFatalAndNamesTheFolder() throws IOException {
        SegmentDescriptor a = writeSegment(0, 2, SegmentDescriptor.NONE);
        SegmentDescriptor b = writeSegment(3, 5, 2);
        Path taskFolder = Files.createDirectories(work.resolve("restore-task-jvm0123456789abcdef-1"));
        PartitionRestore restore = restore(List.of(a, b), taskFolder);
        assertEquals(2, restore.poll(2).size());
        try (var files = Files.walk(taskFolder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p); // the open copy of segment a too, as a tmp cleaner does
            }
        }

        ConnectException e = assertThrows(ConnectException.class, () -> drain(restore, new ArrayList<>()));

        assertFalse(e instanceof RetriableException, e.toString());
        assertTrue(e.getCause() instanceof WorkFolderException, e.toString());
        assertTrue(e.getMessage().startsWith("Restore of orders-0 into orders-0 stopped: cannot make a local copy of "
                + "segment " + layout.segmentKey(b)), e.getMessage());
        assertTrue(e.getMessage().contains("in the work folder " + taskFolder + ": the work folder or a file in it "
                + "was removed while the task was running"), e.getMessage());
        assertTrue(e.getMessage().endsWith("keep the worker's java.io.tmpdir out of reach of tmp cleaners, then "
                + "restart the task; it resumes where it stopped"), e.getMessage());
    }

    @Test
    void aSegmentThatDisappearedStaysFatal() throws IOException {
        SegmentDescriptor a = writeSegment(0, 2, SegmentDescriptor.NONE);
        store.delete(layout.segmentKey(a));

        ConnectException e = assertThrows(ConnectException.class, () -> drain(restore(List.of(a)), new ArrayList<>()));

        assertTrue(e.getCause() instanceof CorruptSegmentException, e.toString());
        assertTrue(e.getMessage().contains(layout.segmentKey(a)) && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void aStoreThatRejectsTheCredentialsStaysFatal() throws IOException {
        SegmentDescriptor a = writeSegment(0, 2, SegmentDescriptor.NONE);
        Map<String, String> props = server.storageProps(BUCKET);
        props.put(StorageConfig.AWS_SECRET_ACCESS_KEY, "wrong-secret");
        store.close();
        store = S3ObjectStore.createForCheck(new StorageConfig(new AbstractConfig(
                StorageConfig.define(new ConfigDef()), props)));

        ConnectException e = assertThrows(ConnectException.class, () -> drain(restore(List.of(a)), new ArrayList<>()));

        assertTrue(e.getCause() instanceof StoreAccessException, e.toString());
        assertTrue(e.getMessage().contains("fix " + StorageConfig.AWS_SECRET_ACCESS_KEY), e.getMessage());
    }

    @Test
    void anArchivedSegmentStopsTheRestoreSayingToRestoreItFirst() throws IOException {
        SegmentDescriptor a = writeSegment(0, 2, SegmentDescriptor.NONE);
        faults.failingGets.set(1_000);
        faults.getError = FaultyBlobStore.answer(403, "InvalidObjectState",
                "The operation is not valid for the object's storage class");
        List<Long> waits = new ArrayList<>();

        ConnectException e = assertThrows(ConnectException.class, () -> drain(restore(List.of(a)), waits));

        assertEquals(List.of(), waits, "an archived segment does not come back by waiting");
        assertTrue(e.getMessage().contains("403 InvalidObjectState"), e.getMessage());
        assertTrue(e.getMessage().contains("restore s3://" + BUCKET + "/" + layout.segmentKey(a)
                + " from the archive tier first"), e.getMessage());
    }
}
