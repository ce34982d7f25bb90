package io.lifeboat.core.segment;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns a {@link BackupRecord} into its Avro datum bytes. One instance per task (not thread-safe):
 * its buffer grows to the largest record seen, so memory does not grow with the number of
 * partitions a task holds.
 */
public final class RecordEncoder {

    private final ExposedBuffer buffer = new ExposedBuffer();
    private BinaryEncoder encoder;

    /** Encodes {@code record}; the bytes stay valid until the next call. */
    void encode(BackupRecord record) throws IOException {
        buffer.reset();
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
        RecordCodec.encode(record, encoder);
        encoder.flush();
    }

    int length() {
        return buffer.size();
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(buffer.array(), 0, buffer.size());
    }

    private static final class ExposedBuffer extends ByteArrayOutputStream {
        ExposedBuffer() {
            super(8192);
        }

        byte[] array() {
            return buf;
        }
    }
}
