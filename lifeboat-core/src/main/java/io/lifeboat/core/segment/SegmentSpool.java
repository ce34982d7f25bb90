package io.lifeboat.core.segment;

import io.lifeboat.core.layout.SegmentDescriptor;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The open segment of one partition, kept in a local spool file as length-prefixed Avro datums
 * until it is closed into a segment file. Memory use is a write buffer while its file is open,
 * whatever the segment's size, so a task can hold many partitions; the spool files of a task share
 * one {@link OpenSpoolFiles}, which bounds how many of them are open at once and the bytes of their
 * buffers. Records must arrive in ascending offset order.
 */
public final class SegmentSpool implements AutoCloseable {

    /** Bytes read from the spool file at a time when it is replayed (once per segment). */
    static final int READ_BUFFER = 256 * 1024;

    private final TopicPartition partition;
    private final long previousLastOffset;
    private final long openedAtMillis;
    private final Path file;
    private final OpenSpoolFiles openFiles;
    private long count;
    private long bytes;
    private long firstOffset = -1;
    private long lastOffset = -1;
    private long minTimestamp = SegmentDescriptor.NONE;
    private long maxTimestamp = SegmentDescriptor.NONE;

    /** A spool with its own single open file, in the existing folder {@code spoolDir}. */
    public SegmentSpool(Path spoolDir, TopicPartition partition, long previousLastOffset, long openedAtMillis)
            throws IOException {
        this(spoolDir, partition, previousLastOffset, openedAtMillis, new OpenSpoolFiles(1));
    }

    /**
     * @param spoolDir           an existing folder; it is not created again when it is gone
     * @param previousLastOffset last offset of the segment before this one, or {@link SegmentDescriptor#NONE}
     * @param openedAtMillis     wall-clock time of the first record, the start of the segment's age
     * @param openFiles          the bound on open spool files this spool shares with the others of its task
     */
    public SegmentSpool(Path spoolDir, TopicPartition partition, long previousLastOffset, long openedAtMillis,
                        OpenSpoolFiles openFiles) throws IOException {
        this.partition = partition;
        this.previousLastOffset = previousLastOffset;
        this.openedAtMillis = openedAtMillis;
        this.openFiles = openFiles;
        this.file = Files.createTempFile(spoolDir, partition + "-", ".spool");
    }

    public void append(BackupRecord record, RecordEncoder encoder) throws IOException {
        if (record.partition() != partition.partition() || !record.topic().equals(partition.topic())) {
            throw new IllegalArgumentException("record " + record + " does not belong to " + partition);
        }
        if (count > 0 && record.offset() <= lastOffset) {
            throw new IllegalArgumentException("offset " + record.offset() + " of " + partition
                    + " arrived after offset " + lastOffset);
        }
        encoder.encode(record);
        openFiles.writer(this).writeFramed(encoder.bytes(), encoder.length());
        if (count == 0) {
            firstOffset = record.offset();
        }
        lastOffset = record.offset();
        count++;
        bytes += encoder.length();
        if (record.timestamp() != null && record.timestamp() >= 0) {
            long ts = record.timestamp();
            minTimestamp = minTimestamp == SegmentDescriptor.NONE ? ts : Math.min(minTimestamp, ts);
            maxTimestamp = maxTimestamp == SegmentDescriptor.NONE ? ts : Math.max(maxTimestamp, ts);
        }
    }

    public TopicPartition partition() {
        return partition;
    }

    public long recordCount() {
        return count;
    }

    /** Uncompressed size of the records so far (their Avro encoding). */
    public long bytes() {
        return bytes;
    }

    /** The local file holding the records. */
    public Path file() {
        return file;
    }

    public long openedAtMillis() {
        return openedAtMillis;
    }

    public long firstOffset() {
        return firstOffset;
    }

    public long lastOffset() {
        return lastOffset;
    }

    /** What the segment's key will say; only valid once a record was appended. */
    public SegmentDescriptor descriptor() {
        if (count == 0) {
            throw new IllegalStateException("empty segment of " + partition);
        }
        return new SegmentDescriptor(partition.topic(), partition.partition(), firstOffset, lastOffset,
                previousLastOffset, minTimestamp, maxTimestamp);
    }

    /**
     * Replays the encoded records, in order, to {@code sink}. Flushes and closes the writer first. The
     * file is read in chunks of {@link #READ_BUFFER} bytes and each datum is handed over where it lies
     * in the chunk, not copied (one bigger than a chunk gets a buffer of its own).
     */
    void forEachEncoded(EncodedRecordSink sink) throws IOException {
        openFiles.release(this);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER).flip();
            for (long i = 0; i < count; i++) {
                buffer = readable(in, buffer, Integer.BYTES);
                int length = buffer.getInt();
                buffer = readable(in, buffer, length);
                sink.accept(buffer.array(), buffer.arrayOffset() + buffer.position(), length);
                buffer.position(buffer.position() + length);
            }
        }
    }

    /** {@code buffer}, or a bigger one, with at least {@code bytes} bytes left to get, read from {@code in}. */
    private ByteBuffer readable(FileChannel in, ByteBuffer buffer, int bytes) throws IOException {
        if (buffer.remaining() >= bytes) {
            return buffer;
        }
        ByteBuffer target = buffer.capacity() >= bytes ? buffer.compact() : ByteBuffer.allocate(bytes).put(buffer);
        while (target.position() < bytes) {
            if (in.read(target) < 0) {
                throw new IOException("spool file " + file + " of " + partition + " ended early");
            }
        }
        return target.flip();
    }

    /** Deletes the spool file. */
    @Override
    public void close() throws IOException {
        try {
            openFiles.release(this);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Takes one record's datum, {@code bytes[offset, offset + length)}, valid only during the call. */
    @FunctionalInterface
    interface EncodedRecordSink {
        void accept(byte[] bytes, int offset, int length) throws IOException;
    }
}
