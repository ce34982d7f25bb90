package io.lifeboat.core.segment;

import org.apache.avro.io.Decoder;
import org.apache.avro.io.Encoder;
import org.apache.kafka.common.record.TimestampType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes {@link BackupRecord}s in Avro binary form following
 * {@link SegmentFormat#SCHEMA_V1}, field by field, without generic records in between.
 * Union branches: index 0 is null, index 1 the value.
 */
final class RecordCodec {

    private static final TimestampType[] TIMESTAMP_TYPES = {
            TimestampType.NO_TIMESTAMP_TYPE, TimestampType.CREATE_TIME, TimestampType.LOG_APPEND_TIME};

    static void encode(BackupRecord r, Encoder out) throws IOException {
        out.writeString(r.topic());
        out.writeInt(r.partition());
        out.writeLong(r.offset());
        if (r.timestamp() == null) {
            out.writeIndex(0);
            out.writeNull();
        } else {
            out.writeIndex(1);
            out.writeLong(r.timestamp());
        }
        out.writeEnum(timestampTypeIndex(r.timestampType()));
        writeNullableBytes(r.key(), out);
        writeNullableBytes(r.value(), out);
        out.writeArrayStart();
        out.setItemCount(r.headers().size());
        for (BackupHeader h : r.headers()) {
            out.startItem();
            out.writeString(h.key());
            writeNullableBytes(h.value(), out);
        }
        out.writeArrayEnd();
    }

    static BackupRecord decode(Decoder in) throws IOException {
        String topic = in.readString();
        int partition = in.readInt();
        long offset = in.readLong();
        Long timestamp = null;
        if (readUnionIndex(in, "timestamp") == 0) {
            in.readNull();
        } else {
            timestamp = in.readLong();
        }
        int typeIndex = in.readEnum();
        if (typeIndex < 0 || typeIndex >= TIMESTAMP_TYPES.length) {
            throw new IOException("invalid timestampType index " + typeIndex);
        }
        byte[] key = readNullableBytes(in, "key");
        byte[] value = readNullableBytes(in, "value");
        List<BackupHeader> headers = new ArrayList<>();
        for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                headers.add(new BackupHeader(in.readString(), readNullableBytes(in, "header value")));
            }
        }
        return new BackupRecord(topic, partition, offset, timestamp, TIMESTAMP_TYPES[typeIndex], key, value, headers);
    }

    private static int timestampTypeIndex(TimestampType type) {
        return switch (type) {
            case NO_TIMESTAMP_TYPE -> 0;
            case CREATE_TIME -> 1;
            case LOG_APPEND_TIME -> 2;
        };
    }

    private static void writeNullableBytes(byte[] bytes, Encoder out) throws IOException {
        if (bytes == null) {
            out.writeIndex(0);
            out.writeNull();
        } else {
            out.writeIndex(1);
            out.writeBytes(bytes);
        }
    }

    private static byte[] readNullableBytes(Decoder in, String field) throws IOException {
        if (readUnionIndex(in, field) == 0) {
            in.readNull();
            return null;
        }
        ByteBuffer buffer = in.readBytes(null);
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
                && buffer.remaining() == buffer.array().length) {
            return buffer.array(); // a fresh buffer of exactly these bytes (Avro's binary decoder): no second copy
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static int readUnionIndex(Decoder in, String field) throws IOException {
        int index = in.readIndex();
        if (index != 0 && index != 1) {
            throw new IOException("invalid union branch " + index + " for " + field);
        }
        return index;
    }

    private RecordCodec() {
    }
}
