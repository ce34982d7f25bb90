package io.lifeboat.core.segment;

import io.lifeboat.core.WorkFolderException;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.NoSuchObjectException;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoreAccessException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Copies one segment object to a local temporary file and opens it with a {@link SegmentReader},
 * which verifies it whole before any record is read. Memory use is a read buffer, whatever the
 * segment's size; closing the reader's {@link FetchedSegment} removes the file.
 *
 * <p>A failure of the local folder (removed, full, too many open files) is a
 * {@link WorkFolderException}, which waiting does not cure; a failure of the store is a plain
 * IOException, unless the store's answer is permanent.
 */
public final class SegmentFetcher {

    private static final int DOWNLOAD_ATTEMPTS = 3;

    private final ObjectStore store;
    private final BackupLayout layout;
    private final Path tempDir;
    private final String placedBy;

    /** Local copies in {@code tempDir}, a folder in the JVM's {@code java.io.tmpdir}. */
    public SegmentFetcher(ObjectStore store, BackupLayout layout, Path tempDir) {
        this(store, layout, tempDir, "java.io.tmpdir");
    }

    /**
     * @param placedBy what decides where {@code tempDir} is, named in the fix of a local failure, such as
     *                 "the worker's java.io.tmpdir"
     */
    public SegmentFetcher(ObjectStore store, BackupLayout layout, Path tempDir, String placedBy) {
        this.store = store;
        this.layout = layout;
        this.tempDir = tempDir;
        this.placedBy = placedBy;
    }

    /** Copies the segment's object to a local file and opens it; throws when it is missing or corrupt. */
    public FetchedSegment fetch(SegmentDescriptor segment) throws IOException {
        String key = layout.segmentKey(segment);
        String doing = "cannot make a local copy of segment " + key + " (" + segment.describeRange() + ")";
        Path file;
        try {
            file = Files.createTempFile(tempDir, "segment-", ".avro");
        } catch (IOException e) {
            throw WorkFolderException.of(doing, tempDir, placedBy, e);
        }
        try {
            download(key, segment, file, doing);
            return new FetchedSegment(key, file, open(file, key, segment));
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the folder is gone or failing: e says so
            }
            throw e;
        }
    }

    /** Opens the local copy: a segment that fails its checks is corrupt, a file that cannot be read is local. */
    private SegmentReader open(Path file, String key, SegmentDescriptor segment) throws IOException {
        try {
            return SegmentReader.open(file, key, segment);
        } catch (CorruptSegmentException e) {
            throw e;
        } catch (IOException e) {
            throw WorkFolderException.of("cannot read the local copy " + file.getFileName() + " of segment " + key
                    + " (" + segment.describeRange() + ")", tempDir, placedBy, e);
        }
    }

    /**
     * The store's client retries failed requests; a connection lost in the middle of a download is
     * retried here, a few times, from the start. A failure that waiting will not cure (access denied,
     * no such bucket) is thrown at once, and so is a failure to write the local copy (a
     * {@link WorkFolderException}); one that outlasts these attempts is a plain IOException, which the
     * restore task retries later.
     */
    private void download(String key, SegmentDescriptor segment, Path file, String doing) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (InputStream in = store.open(key)) {
                copy(in, file, doing);
                return;
            } catch (WorkFolderException e) {
                throw e;
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

    /** A failed read of {@code in} is the store's (a plain IOException); any other failure is the local file's. */
    private void copy(InputStream in, Path file, String doing) throws IOException {
        try {
            Files.copy(new StoreReads(in), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (StoreReadFailure e) {
            throw e.storeFailure();
        } catch (IOException e) {
            throw WorkFolderException.of(doing, tempDir, placedBy, e);
        }
    }

    /** The store's stream, its read failures marked as the store's. */
    private static final class StoreReads extends FilterInputStream {
        StoreReads(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw new StoreReadFailure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw new StoreReadFailure(e);
            }
        }

        /** Through {@link #read(byte[], int, int)}, never the wrapped stream's own transfer. */
        @Override
        public long transferTo(OutputStream out) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            long copied = 0;
            for (int n = read(buffer, 0, buffer.length); n >= 0; n = read(buffer, 0, buffer.length)) {
                out.write(buffer, 0, n);
                copied += n;
            }
            return copied;
        }
    }

    private static final class StoreReadFailure extends IOException {
        StoreReadFailure(IOException cause) {
            super(cause);
        }

        IOException storeFailure() {
            return (IOException) getCause();
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
