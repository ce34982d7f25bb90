package io.lifeboat.core.segment;

import io.lifeboat.core.layout.SegmentDescriptor;
import org.apache.kafka.common.TopicPartition;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The open segment of one partition, kept in a local spool file as length-prefixed Avro datums
 * until it is closed into a segment file. Memory use is a write buffer while its file is open,
 * whatever the segment's size, so a task can hold many partitions; the spool files of a task share
 * one {@link OpenSpoolFiles}, which bounds how many of them are open at once and the bytes of their
 * buffers. Records must arrive in ascending offset order.
 */
public final class SegmentSpool implements AutoCloseable {

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

    /** Replays the encoded records, in order, to {@code sink}. Flushes and closes the writer first. */
    void forEachEncoded(EncodedRecordSink sink) throws IOException {
        openFiles.release(this);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 65536))) {
            byte[] buffer = new byte[8192];
            for (long i = 0; i < count; i++) {
                int length = in.readInt();
                if (buffer.length < length) {
                    buffer = new byte[Math.max(length, buffer.length * 2)];
                }
                in.readFully(buffer, 0, length);
                sink.accept(ByteBuffer.wrap(buffer, 0, length));
            }
        } catch (EOFException e) {
            throw new IOException("spool file " + file + " of " + partition + " ended early", e);
        }
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

    @FunctionalInterface
    interface EncodedRecordSink {
        void accept(ByteBuffer datum) throws IOException;
    }
}
