package io.lifeboat.core.segment;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

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

    /** The encoded bytes, from index 0 to {@link #length()}; valid until the next call of {@link #encode}. */
    byte[] bytes() {
        return buffer.array();
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
