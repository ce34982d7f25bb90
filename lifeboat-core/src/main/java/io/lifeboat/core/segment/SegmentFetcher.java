package io.lifeboat.core.segment;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.NoSuchObjectException;
import io.lifeboat.core.storage.ObjectStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Copies one segment object to a local temporary file and opens it with a {@link SegmentReader},
 * which verifies it whole before any record is read. Memory use is a read buffer, whatever the
 * segment's size; closing the reader's {@link FetchedSegment} removes the file.
 */
public final class SegmentFetcher {

    private final ObjectStore store;
    private final BackupLayout layout;
    private final Path tempDir;

    public SegmentFetcher(ObjectStore store, BackupLayout layout, Path tempDir) {
        this.store = store;
        this.layout = layout;
        this.tempDir = tempDir;
    }

    /** Copies the segment's object to a local file and opens it; throws when it is missing or corrupt. */
    public FetchedSegment fetch(SegmentDescriptor segment) throws IOException {
        String key = layout.segmentKey(segment);
        Path file = Files.createTempFile(tempDir, "segment-", ".avro");
        try {
            try (InputStream in = store.open(key)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            } catch (NoSuchObjectException e) {
                throw new CorruptSegmentException("segment " + key + " (" + segment.describeRange() + ") was listed "
                        + "in " + store.describe() + " but can no longer be read: it is missing", e);
            }
            return new FetchedSegment(key, file, SegmentReader.open(file, key, segment));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    public String keyOf(SegmentDescriptor segment) {
        return layout.segmentKey(segment);
    }

    /** An open, verified segment and its local copy. */
    public record FetchedSegment(String key, Path file, SegmentReader reader) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                reader.close();
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }
}
