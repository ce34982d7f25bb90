package io.lifeboat.core.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spool files of one task that are open for writing: at most {@link #maxOpen()} at once,
 * however many partitions have an open segment. When another must open, the least recently
 * written one is flushed and closed; it is opened again, in append mode, when its partition
 * writes next. A spool file that was removed in between is not created again: reopening it fails
 * with {@link java.nio.file.NoSuchFileException}, so no record silently goes missing.
 *
 * <p>Each open file holds one descriptor and a write buffer of {@link #WRITE_BUFFER} bytes (big
 * enough that a write to the file system carries dozens of records: the task thread's cost per
 * record). The buffer of a file that is closed is kept, at most {@link #SPARE_BUFFERS} of them, and
 * lent to the next file opened, so that a task cycling through more partitions than files it may
 * keep open does not allocate a buffer per record.
 */
public final class OpenSpoolFiles {

    /** Spool files a backup task keeps open at most. */
    public static final int DEFAULT_MAX_OPEN = 256;
    static final int WRITE_BUFFER = 64 * 1024;
    static final int SPARE_BUFFERS = 8;

    private final int maxOpen;
    /** In access order: the first entry is the least recently written. */
    private final LinkedHashMap<SegmentSpool, SpoolFileWriter> open = new LinkedHashMap<>(16, 0.75f, true);
    private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();

    public OpenSpoolFiles(int maxOpen) {
        if (maxOpen < 1) {
            throw new IllegalArgumentException("at least one spool file must be open, not " + maxOpen);
        }
        this.maxOpen = maxOpen;
    }

    public int maxOpen() {
        return maxOpen;
    }

    /** How many spool files are open now. */
    public synchronized int openCount() {
        return open.size();
    }

    /** The stream to append {@code spool}'s records to, opening its file (and closing another) if needed. */
    synchronized SpoolFileWriter writer(SegmentSpool spool) throws IOException {
        SpoolFileWriter out = open.get(spool);
        if (out != null) {
            return out;
        }
        while (open.size() >= maxOpen) {
            Iterator<Map.Entry<SegmentSpool, SpoolFileWriter>> eldest = open.entrySet().iterator();
            Map.Entry<SegmentSpool, SpoolFileWriter> entry = eldest.next();
            eldest.remove();
            closeFlushing(entry.getKey(), entry.getValue());
        }
        ByteBuffer buffer = spare.isEmpty() ? ByteBuffer.allocate(WRITE_BUFFER) : spare.pop();
        out = new SpoolFileWriter(spool.file(), buffer);
        open.put(spool, out);
        return out;
    }

    /** Flushes and closes {@code spool}'s file if it is open. */
    synchronized void release(SegmentSpool spool) throws IOException {
        SpoolFileWriter out = open.remove(spool);
        if (out != null) {
            closeFlushing(spool, out);
        }
    }

    /** Closes {@code out}; its buffer becomes a spare unless closing failed or enough are spare. */
    private void closeFlushing(SegmentSpool spool, SpoolFileWriter out) throws IOException {
        try {
            ByteBuffer buffer = out.close();
            if (spare.size() < SPARE_BUFFERS) {
                spare.push(buffer);
            }
        } catch (IOException e) {
            throw new IOException("Cannot write the spool file " + spool.file() + " of " + spool.partition() + ": "
                    + e.getMessage(), e);
        }
    }
}
