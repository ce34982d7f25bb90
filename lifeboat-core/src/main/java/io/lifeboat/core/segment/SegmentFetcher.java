package io.lifeboat.core.segment;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.NoSuchObjectException;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoreAccessException;

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

    private static final int DOWNLOAD_ATTEMPTS = 3;

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
        Path file;
        try {
            file = Files.createTempFile(tempDir, "segment-", ".avro");
        } catch (IOException e) {
            throw new IOException("cannot make a local copy of segment " + key + " (" + segment.describeRange()
                    + ") in the work folder " + tempDir + ": " + e, e);
        }
        try {
            download(key, segment, file);
            return new FetchedSegment(key, file, SegmentReader.open(file, key, segment));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * The store's client retries failed requests; a connection lost in the middle of a download is
     * retried here, a few times, from the start. A failure that waiting will not cure (access denied,
     * no such bucket) is thrown at once; one that outlasts these attempts is a plain IOException, which
     * the restore task retries later.
     */
    private void download(String key, SegmentDescriptor segment, Path file) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (InputStream in = store.open(key)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                return;
            } catch (NoSuchObjectException e) {
                throw new CorruptSegmentException("segment " + key + " (" + segment.describeRange() + ") was listed "
                        + "in " + store.describe() + " but can no longer be read: it is missing", e);
            } catch (IOException e) {
                if (StoreAccessException.permanentCause(e).isPresent()) {
                    throw e;
                }
                if (attempt >= DOWNLOAD_ATTEMPTS) {
                    throw new IOException("cannot download segment " + key + " (" + segment.describeRange() + ") from "
                            + store.describe() + " after " + attempt + " attempts: " + e.getMessage(), e);
                }
            }
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
