package io.lifeboat.core.segment;

import io.lifeboat.core.LocalFailure;
import io.lifeboat.core.WorkFolderException;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ForwardingStore;
import io.lifeboat.core.storage.ObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A local failure of the fetcher's folder is a WorkFolderException; a failure of the store's stream is not. */
class SegmentFetcherTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private final BackupLayout layout = new BackupLayout("");

    @TempDir
    Path root;
    @TempDir
    Path scratch;

    private SegmentDescriptor writeSegment(ObjectStore store) throws IOException {
        try (SegmentSpool spool = new SegmentSpool(Files.createDirectories(scratch.resolve("spool")), TP, SegmentDescriptor.NONE, 0)) {
            RecordEncoder encoder = new RecordEncoder();
            for (long o = 0; o < 3; o++) {
                spool.append(new BackupRecord(TP.topic(), TP.partition(), o, 1_000L + o, TimestampType.CREATE_TIME,
                        new byte[]{(byte) o}, new byte[4096], List.of()), encoder);
            }
            Path file = scratch.resolve("seg.avro");
            SegmentDescriptor segment = new SegmentFileWriter(SegmentCompression.NONE).write(spool, file);
            store.put(layout.segmentKey(segment), file);
            return segment;
        }
    }

    @Test
    void aRemovedWorkFolderIsAWorkFolderFailureNamingItAndTheFix() throws IOException {
        FilesystemObjectStore store = new FilesystemObjectStore(root);
        SegmentDescriptor segment = writeSegment(store);
        Path work = Files.createDirectories(scratch.resolve("restore-task-1"));
        Files.delete(work);

        WorkFolderException e = assertThrows(WorkFolderException.class,
                () -> new SegmentFetcher(store, layout, work, "the worker's java.io.tmpdir").fetch(segment));

        assertEquals(LocalFailure.REMOVED, e.failure());
        assertTrue(e.getMessage().contains("cannot make a local copy of segment " + layout.segmentKey(segment)),
                e.getMessage());
        assertTrue(e.getMessage().contains("in the work folder " + work + ": the work folder or a file in it was "
                + "removed while the task was running"), e.getMessage());
        assertTrue(e.getMessage().contains("keep the worker's java.io.tmpdir out of reach of tmp cleaners"),
                e.getMessage());
    }

    @Test
    void aStoreStreamThatBreaksMidwayIsTheStoresFailureNotTheFolders() throws IOException {
        ForwardingStore store = new ForwardingStore(new FilesystemObjectStore(root)).breakingStreamsAfter(100);
        SegmentDescriptor segment = writeSegment(store);
        Path work = Files.createDirectories(scratch.resolve("restore-task-2"));

        IOException e = assertThrows(IOException.class, () -> new SegmentFetcher(store, layout, work).fetch(segment));

        assertFalse(WorkFolderException.in(e).isPresent(), e.toString());
        assertTrue(e.getMessage().contains("after 3 attempts") && e.getMessage().contains("Connection reset"),
                e.getMessage());
        try (var left = Files.list(work)) {
            assertEquals(0, left.count(), "the partial copy is removed");
        }
    }
}
