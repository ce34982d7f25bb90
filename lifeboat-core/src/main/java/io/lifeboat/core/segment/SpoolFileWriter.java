package io.lifeboat.core.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends to one spool file through a write buffer it is lent ({@link OpenSpoolFiles} hands the
 * buffer of a file it closes to the next one it opens, so reopening costs no allocation). Records
 * are written whole, each as its 4-byte big-endian length and its datum, so a spool file holds
 * exactly what {@link SegmentSpool#forEachEncoded} reads. Not thread-safe; the file is not fsynced
 * (a spool is rebuilt from Kafka after a crash, never read again).
 */
final class SpoolFileWriter {

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer buffer;

    /** Opens {@code file}, which must exist, for appending; {@code buffer} is cleared and used from now on. */
    SpoolFileWriter(Path file, ByteBuffer buffer) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.buffer = buffer.clear();
    }

    /** Appends {@code length} as 4 bytes, then {@code datum[0, length)}. */
    void writeFramed(byte[] datum, int length) throws IOException {
        if (buffer.remaining() < Integer.BYTES) {
            flush();
        }
        buffer.putInt(length);
        int offset = 0;
        while (offset < length) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            if (buffer.position() == 0 && length - offset >= buffer.capacity()) {
                writeFully(ByteBuffer.wrap(datum, offset, length - offset)); // bigger than the buffer: no copy
                return;
            }
            int n = Math.min(buffer.remaining(), length - offset);
            buffer.put(datum, offset, n);
            offset += n;
        }
    }

    /** Writes what is buffered to the file. */
    void flush() throws IOException {
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    /** Flushes and closes the file, also when flushing fails; the buffer may then be lent to another writer. */
    void close() throws IOException {
        try (channel) {
            flush();
        } finally {
            buffer.clear();
        }
    }

    /** The buffer this writer was lent. */
    ByteBuffer buffer() {
        return buffer;
    }

    Path file() {
        return file;
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
