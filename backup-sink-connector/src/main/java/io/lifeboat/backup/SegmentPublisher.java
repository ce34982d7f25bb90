package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.segment.SegmentFileWriter;
import io.lifeboat.core.segment.SegmentSpool;
import io.lifeboat.core.storage.ObjectStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes a spooled segment durable: encodes it into a segment file next to the spool, uploads it
 * under its key, and removes the local file. When {@link #publish} returns, the segment is in the
 * store; when it throws, nothing was claimed and the spool is left as it was.
 */
final class SegmentPublisher {

    private final ObjectStore store;
    private final BackupLayout layout;
    private final SegmentFileWriter writer;
    private final Path spoolDir;
    private long segments;
    private long records;
    private long bytes;

    SegmentPublisher(ObjectStore store, BackupLayout layout, SegmentFileWriter writer, Path spoolDir) {
        this.store = store;
        this.layout = layout;
        this.writer = writer;
        this.spoolDir = spoolDir;
    }

    SegmentDescriptor publish(SegmentSpool spool) throws IOException {
        Path file = Files.createTempFile(spoolDir, spool.partition() + "-", ".avro");
        try {
            SegmentDescriptor segment = writer.write(spool, file);
            store.put(layout.segmentKey(segment), file);
            segments++;
            records += spool.recordCount();
            bytes += Files.size(file);
            return segment;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Counts since the last call, for a periodic log line; resets them. */
    String drainStats() {
        String stats = segments + " segments (" + records + " records, " + bytes + " bytes stored)";
        segments = 0;
        records = 0;
        bytes = 0;
        return stats;
    }

    boolean hasStats() {
        return segments > 0;
    }
}
