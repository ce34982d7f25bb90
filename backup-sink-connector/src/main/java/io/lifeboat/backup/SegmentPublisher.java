package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.segment.SegmentFileWriter;
import io.lifeboat.core.segment.SegmentSpool;
import io.lifeboat.core.storage.ObjectStore;
import org.apache.kafka.connect.errors.ConnectException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes a spooled segment durable: encodes it into a segment file next to the spool and hands that
 * file to the store under its key ({@link ObjectStore#putMoving}: a filesystem store on the same file
 * system moves it into place instead of writing it again; the local file is removed either way). When {@link #publish} returns, the segment is in the
 * store; when it throws, nothing was claimed and the spool is left as it was. A failure of the
 * store is an {@link IOException} (retried); a failure of the local spool is fatal. Called from the
 * uploader threads at once ({@link SegmentUploader}): it keeps no state of a segment between calls
 * ({@link io.lifeboat.core.segment.SegmentFileWriter} builds its Avro writer and codec per file), and
 * its counts are synchronized.
 */
final class SegmentPublisher {

    private final ObjectStore store;
    private final BackupLayout layout;
    private final SegmentFileWriter writer;
    private final Path spoolDir;
    private long segments;
    private long records;
    private long bytes;
    private long totalSegments;
    private long totalRecords;
    private long totalBytes;

    SegmentPublisher(ObjectStore store, BackupLayout layout, SegmentFileWriter writer, Path spoolDir) {
        this.store = store;
        this.layout = layout;
        this.writer = writer;
        this.spoolDir = spoolDir;
    }

    /**
     * @throws IOException      the store failed: transient, publish again later
     * @throws ConnectException the local spool failed (see {@link SpoolFailure}): fatal
     */
    SegmentDescriptor publish(SegmentSpool spool) throws IOException {
        Path file = encode(spool);
        try {
            long size = Files.size(file);
            SegmentDescriptor segment = spool.descriptor();
            store.putMoving(layout.segmentKey(segment), file);
            counted(spool.recordCount(), size);
            return segment;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Writes the segment file next to the spool; a local failure is fatal, named by its cause. */
    private Path encode(SegmentSpool spool) {
        Path file = null;
        try {
            file = Files.createTempFile(spoolDir, spool.partition() + "-", ".avro");
            writer.write(spool, file);
            return file;
        } catch (IOException e) {
            deleteQuietly(file);
            throw SpoolFailure.of(e, spoolDir, "Cannot turn the spooled offsets " + spool.firstOffset() + ".."
                    + spool.lastOffset() + " of " + spool.partition() + " into a segment file");
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // in the task's own folder, removed when the task stops
            }
        }
    }

    private synchronized void counted(long segmentRecords, long size) {
        segments++;
        records += segmentRecords;
        bytes += size;
        totalSegments++;
        totalRecords += segmentRecords;
        totalBytes += size;
    }

    /** Segments stored since the task started (a metric). */
    synchronized long totalSegments() {
        return totalSegments;
    }

    /** Records stored since the task started (a metric). */
    synchronized long totalRecords() {
        return totalRecords;
    }

    /** Segment bytes stored since the task started (a metric). */
    synchronized long totalBytes() {
        return totalBytes;
    }

    /** Counts since the last call, for a periodic log line; resets them. */
    synchronized String drainStats() {
        String stats = segments + " segments (" + records + " records, " + bytes + " bytes stored)";
        segments = 0;
        records = 0;
        bytes = 0;
        return stats;
    }

    synchronized boolean hasStats() {
        return segments > 0;
    }
}
