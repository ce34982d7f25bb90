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
 * <p>Each open file holds one descriptor and a write buffer: {@link #WRITE_BUFFER} bytes for the first
 * {@link #LARGE_BUFFERS} buffers of a task (so that a write to the file system carries dozens of
 * records, the task thread's cost per record when a few dozen partitions are busy), {@link
 * #SMALL_WRITE_BUFFER} bytes for the others (so that a task with hundreds of partitions open holds at
 * most {@link #MAX_BUFFER_BYTES} of them, whatever its partition count). The buffer of a file that is
 * closed is kept, at most {@link #SPARE_BUFFERS} of them, and lent to the next file opened, so that a
 * task cycling through more partitions than files it may keep open does not allocate one per record.
 */
public final class OpenSpoolFiles {

    /** Spool files a backup task keeps open at most. */
    public static final int DEFAULT_MAX_OPEN = 256;
    static final int WRITE_BUFFER = 64 * 1024;
    static final int SMALL_WRITE_BUFFER = 8 * 1024;
    static final int LARGE_BUFFERS = 32;
    static final int SPARE_BUFFERS = 8;
    /** The most the write buffers of one task's open and spare files take together. */
    public static final long MAX_BUFFER_BYTES = (long) LARGE_BUFFERS * WRITE_BUFFER
            + (long) (DEFAULT_MAX_OPEN - LARGE_BUFFERS) * SMALL_WRITE_BUFFER;

    private final int maxOpen;
    /** In access order: the first entry is the least recently written. */
    private final LinkedHashMap<SegmentSpool, SpoolFileWriter> open = new LinkedHashMap<>(16, 0.75f, true);
    private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
    /** Buffers of {@link #WRITE_BUFFER} bytes in use or spare. */
    private int largeBuffers;

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

    /** Bytes of the write buffers held now, those of open files and spare ones. */
    synchronized long bufferBytes() {
        long bytes = 0;
        for (SpoolFileWriter writer : open.values()) {
            bytes += writer.buffer().capacity();
        }
        for (ByteBuffer buffer : spare) {
            bytes += buffer.capacity();
        }
        return bytes;
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
        out = new SpoolFileWriter(spool.file(), spare.isEmpty() ? newBuffer() : spare.pop());
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

    private ByteBuffer newBuffer() {
        if (largeBuffers < LARGE_BUFFERS) {
            largeBuffers++;
            return ByteBuffer.allocate(WRITE_BUFFER);
        }
        return ByteBuffer.allocate(SMALL_WRITE_BUFFER);
    }

    /** Closes {@code out}; its buffer becomes a spare unless enough are spare. */
    private void closeFlushing(SegmentSpool spool, SpoolFileWriter out) throws IOException {
        ByteBuffer buffer = out.buffer();
        if (spare.size() < SPARE_BUFFERS) {
            spare.push(buffer);
        } else if (buffer.capacity() == WRITE_BUFFER) {
            largeBuffers--;
        }
        try {
            out.close();
        } catch (IOException e) {
            throw new IOException("Cannot write the spool file " + spool.file() + " of " + spool.partition() + ": "
                    + e.getMessage(), e);
        }
    }
}
