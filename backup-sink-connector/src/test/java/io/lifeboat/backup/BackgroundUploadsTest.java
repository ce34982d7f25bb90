package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.FolderListing;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoreAccessException;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Segments are encoded and uploaded off the task thread: with a real {@link FilesystemObjectStore}
 * behind a wrapper that can hold segment uploads or fail them, put() returns while uploads wait,
 * each partition's segments land in order, offsets are committed only past segments in the store,
 * and too many waiting segments pause consumption until the uploads catch up.
 */
class BackgroundUploadsTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    @TempDir
    Path root;
    @TempDir
    Path spool;

    private final BackupSinkTaskTest.FakeTime time = new BackupSinkTaskTest.FakeTime();
    private final List<BackupSinkTask> tasks = new ArrayList<>();
    private final RecordingSinkTaskContext context = new RecordingSinkTaskContext();
    private GatedStore store;

    @BeforeEach
    void newStore() {
        store = new GatedStore();
    }

    @AfterEach
    void stopTasks() {
        store.open();
        tasks.forEach(BackupSinkTask::stop);
    }

    /** The real store, whose segment uploads wait at a gate while it is closed, or fail as told. */
    final class GatedStore implements ObjectStore {
        private final FilesystemObjectStore real = new FilesystemObjectStore(root());
        private volatile boolean closed;
        final AtomicInteger transientFailures = new AtomicInteger();
        volatile boolean denied;
        final List<String> uploaded = new CopyOnWriteArrayList<>();
        final AtomicInteger waitingAtGate = new AtomicInteger();

        void close(boolean shut) {
            closed = shut;
        }

        void open() {
            closed = false;
        }

        @Override
        public void put(String key, Path file) throws IOException {
            if (key.contains("/segments/")) {
                if (closed) {
                    waitingAtGate.incrementAndGet();
                    try {
                        while (closed) {
                            Thread.sleep(5);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    } finally {
                        waitingAtGate.decrementAndGet();
                    }
                }
                if (denied) {
                    throw new StoreAccessException("s3.bucket", "403 AccessDenied: not allowed to s3:PutObject " + key,
                            null);
                }
                if (transientFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    throw new IOException("503 SlowDown for " + key);
                }
            }
            real.put(key, file);
            if (key.contains("/segments/")) {
                uploaded.add(key);
            }
        }

        @Override
        public void put(String key, byte[] content) throws IOException {
            real.put(key, content);
        }

        @Override
        public InputStream open(String key) throws IOException {
            return real.open(key);
        }

        @Override
        public void delete(String key) throws IOException {
            real.delete(key);
        }

        @Override
        public List<StoredObject> list(String prefix) throws IOException {
            return real.list(prefix);
        }

        @Override
        public FolderListing listFolder(String prefix) throws IOException {
            return real.listFolder(prefix);
        }

        @Override
        public void checkAccess(String prefix, Access access) throws IOException {
            real.checkAccess(prefix, access);
        }

        @Override
        public String describe() {
            return real.describe();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    private Path root() {
        return root;
    }

    private BackupSinkTask startTask(String maxRecords, TopicPartition... partitions) {
        BackupSinkTask task = new BackupSinkTask(time, config -> store, config -> new FilesystemObjectStore(root));
        tasks.add(task);
        task.initialize(context);
        Map<String, String> props = new HashMap<>();
        props.put("storage.backend", "filesystem");
        props.put("filesystem.root", root.toString());
        props.put("storage.prefix", "set1");
        props.put("spool.dir", spool.toString());
        props.put("segment.max.records", maxRecords);
        props.put("segment.max.age.ms", "60000");
        task.start(props);
        task.open(List.of(partitions));
        return task;
    }

    private static List<SinkRecord> records(TopicPartition tp, long from, long toInclusive) {
        List<SinkRecord> out = new ArrayList<>();
        for (long o = from; o <= toInclusive; o++) {
            out.add(new SinkRecord(tp.topic(), tp.partition(), Schema.OPTIONAL_BYTES_SCHEMA, null,
                    Schema.OPTIONAL_BYTES_SCHEMA, ("value-" + o).getBytes(StandardCharsets.UTF_8), o,
                    1_700_000_000_000L + o, TimestampType.CREATE_TIME));
        }
        return out;
    }

    private static long committed(BackupSinkTask task, TopicPartition tp) {
        OffsetAndMetadata offset = task.preCommit(Map.of()).get(tp);
        return offset == null ? -1 : offset.offset();
    }

    private List<Long> storedFirstOffsets(TopicPartition tp) throws IOException {
        BackupLayout layout = new BackupLayout("set1/");
        List<Long> out = new ArrayList<>();
        for (StoredObject o : new FilesystemObjectStore(root).list(layout.segmentsPrefix(tp))) {
            out.add(layout.parseSegmentKey(o.key()).map(SegmentDescriptor::firstOffset).orElseThrow());
        }
        return out;
    }

    @Test
    void putReturnsWhileAnUploadIsHeldAndCommitsNothingOfIt() throws IOException {
        BackupSinkTask task = startTask("3", P0);
        store.close(true);

        long start = System.nanoTime();
        task.put(records(P0, 0, 7)); // two full segments sealed
        task.put(records(P0, 8, 9));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(tookMs < 2_000, "put() does not wait for the held upload: " + tookMs + " ms");
        assertEquals(0L, committed(task, P0), "no offset of a segment that is not in the store is committed");
        assertEquals(List.of(), storedFirstOffsets(P0));

        store.open();
        assertTrue(task.awaitUploads(10_000));
        assertEquals(List.of(0L, 3L, 6L), storedFirstOffsets(P0));
        assertEquals(9L, committed(task, P0), "offset 9 is still in the open segment");
    }

    @Test
    void eachPartitionsSegmentsLandInTheOrderTheyWereSealed() throws IOException {
        BackupSinkTask task = startTask("2", P0, P1);
        store.close(true);
        for (long o = 0; o < 20; o += 2) {
            List<SinkRecord> batch = new ArrayList<>(records(P0, o, o + 1));
            batch.addAll(records(P1, o, o + 1));
            task.put(batch);
        }
        store.open();
        assertTrue(task.awaitUploads(10_000));

        BackupLayout layout = new BackupLayout("set1/");
        for (TopicPartition tp : List.of(P0, P1)) {
            List<Long> order = store.uploaded.stream()
                    .map(key -> layout.parseSegmentKey(key).orElseThrow())
                    .filter(d -> d.partition() == tp.partition())
                    .map(SegmentDescriptor::firstOffset).toList();
            assertEquals(List.of(0L, 2L, 4L, 6L, 8L, 10L, 12L, 14L, 16L, 18L), order, "upload order of " + tp);
        }
        assertEquals(20L, committed(task, P0));
        assertEquals(20L, committed(task, P1));
    }

    @Test
    void preCommitNeverPassesASegmentThatIsNotInTheStore() throws Exception {
        BackupSinkTask task = startTask("1", P0);
        store.close(true);
        task.put(records(P0, 0, 0)); // sealed, held at the gate
        assertTrue(waitFor(() -> store.waitingAtGate.get() == 1), "the first upload reached the store");
        task.put(records(P0, 1, 5)); // five more sealed behind it
        for (int i = 0; i < 20; i++) {
            assertEquals(0L, committed(task, P0));
        }
        store.open();
        assertTrue(task.awaitUploads(10_000));
        assertEquals(6L, committed(task, P0));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), storedFirstOffsets(P0));
    }

    @Test
    void aTransientUploadFailureIsRetriedInTheBackground() throws IOException {
        BackupSinkTask task = startTask("3", P0);
        store.transientFailures.set(1);
        task.put(records(P0, 0, 2));
        assertEquals(0L, committed(task, P0), "nothing is committed while the upload fails");
        assertTrue(task.awaitUploads(10_000), "the uploader tries again after its backoff (1 s)");
        task.put(List.of()); // no failure surfaces
        assertEquals(3L, committed(task, P0));
        assertEquals(List.of(0L), storedFirstOffsets(P0));
    }

    @Test
    void aPermanentUploadFailureFailsTheTaskAtTheNextPut() {
        BackupSinkTask task = startTask("3", P0);
        store.denied = true;
        task.put(records(P0, 0, 2));
        assertTrue(task.awaitUploads(10_000));

        ConnectException e = assertThrows(ConnectException.class, () -> task.put(records(P0, 3, 3)));

        assertFalse(e instanceof RetriableException, e.toString());
        assertTrue(e.getMessage().contains("403 AccessDenied") && e.getMessage().contains("fix s3.bucket"),
                e.getMessage());
        assertEquals(0L, committed(task, P0));
    }

    @Test
    void tooManyWaitingSegmentsPauseThePartitionsUntilTheUploadsCatchUp() throws IOException {
        BackupSinkTask task = startTask("1", P0, P1);
        store.close(true);
        int sealed = SegmentUploader.MAX_WAITING_SEGMENTS + 10;
        long start = System.nanoTime();
        task.put(records(P0, 0, sealed - 1)); // one segment per record
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(tookMs < 5_000, "put() waits only briefly before it pauses: " + tookMs + " ms");
        assertEquals(java.util.Set.of(P0, P1), context.paused(), "every partition of the task is paused");
        task.put(List.of()); // Connect keeps calling put() while paused
        assertEquals(java.util.Set.of(P0, P1), context.paused(), "still paused while the store holds the uploads");
        assertEquals(BackupSinkTask.BACK_PRESSURE_WAIT_MS, context.lastTimeout, "while paused, put() asks to be "
                + "called again soon, not at the next offset commit");

        store.open();
        assertTrue(task.awaitUploads(30_000));
        task.put(List.of());
        assertEquals(java.util.Set.of(), context.paused(), "resumed once the uploads are within the bound");
        assertEquals(sealed, storedFirstOffsets(P0).size());
        assertEquals((long) sealed, committed(task, P0));
    }

    @Test
    void aRevokedPartitionsSegmentIsInTheStoreWhenCloseReturns() throws IOException {
        BackupSinkTask task = startTask("100", P0);
        task.put(records(P0, 0, 4));
        store.close(true);
        new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            store.open();
        }).start();
        task.close(List.of(P0));
        assertEquals(List.of(0L), storedFirstOffsets(P0), "close() waited for the revoked partition's upload");
    }

    @Test
    void stopAbandonsHeldUploadsWithinItsBound() throws IOException {
        BackupSinkTask task = startTask("2", P0);
        store.close(true);
        task.put(records(P0, 0, 5));
        long start = System.nanoTime();
        task.stop();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs < BackupSinkTask.STOP_WAIT_MS + 2_000, "stop() is bounded: " + tookMs + " ms");
        store.open();
        assertEquals(List.of(), storedFirstOffsets(P0), "nothing held at stop was uploaded afterwards");
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
