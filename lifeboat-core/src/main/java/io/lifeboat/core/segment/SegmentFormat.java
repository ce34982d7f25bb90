package io.lifeboat.core.segment;

import org.apache.avro.Schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Segment format version 1: an Avro object container file (any Avro reader opens it) whose records
 * follow {@link #SCHEMA_V1} and whose header metadata carries the {@code lifeboat.*} keys below.
 *
 * <p>Invariants a reader may rely on, documented in docs/FORMAT.md:
 * <ul>
 *   <li>all records belong to one topic-partition, in strictly ascending offset order;</li>
 *   <li>{@link #META_RECORD_COUNT}, {@link #META_FIRST_OFFSET} and {@link #META_LAST_OFFSET} describe the
 *       records exactly, and agree with the object key;</li>
 *   <li>{@link #META_CRC32C} is the CRC-32C of every byte of the file after the header (the data
 *       blocks, from the first block's record count to the last sync marker), as 8 lower-case hex digits.</li>
 * </ul>
 */
public final class SegmentFormat {

    public static final int VERSION = 1;

    public static final String META_FORMAT_VERSION = "lifeboat.format.version";
    public static final String META_TOPIC = "lifeboat.topic";
    public static final String META_PARTITION = "lifeboat.partition";
    public static final String META_FIRST_OFFSET = "lifeboat.first.offset";
    public static final String META_LAST_OFFSET = "lifeboat.last.offset";
    public static final String META_RECORD_COUNT = "lifeboat.record.count";
    public static final String META_CRC32C = "lifeboat.crc32c";

    /** Value of {@link #META_CRC32C} while a segment is being written; same width as a real one. */
    static final String CRC_PLACEHOLDER = "00000000";

    public static final Schema SCHEMA_V1 = new Schema.Parser().parse("""
            {
              "type": "record", "name": "KafkaRecord", "namespace": "io.lifeboat.segment.v1",
              "doc": "One Kafka record, exactly as it was in the backed-up topic.",
              "fields": [
                {"name": "topic", "type": "string"},
                {"name": "partition", "type": "int"},
                {"name": "offset", "type": "long"},
                {"name": "timestamp", "type": ["null", "long"], "doc": "epoch millis; null when the record had none"},
                {"name": "timestampType", "type": {"type": "enum", "name": "TimestampType",
                  "symbols": ["NO_TIMESTAMP_TYPE", "CREATE_TIME", "LOG_APPEND_TIME"]}},
                {"name": "key", "type": ["null", "bytes"]},
                {"name": "value", "type": ["null", "bytes"]},
                {"name": "headers", "type": {"type": "array", "items": {
                  "type": "record", "name": "Header", "fields": [
                    {"name": "key", "type": "string"},
                    {"name": "value", "type": ["null", "bytes"]}
                  ]}}}
              ]
            }
            """);

    /**
     * The 16-byte sync marker of a segment: derived from what identifies it, so that writing the
     * same records again produces the same bytes.
     */
    static byte[] syncMarker(String topic, int partition, long firstOffset) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    ("lifeboat-segment/" + topic + "/" + partition + "/" + firstOffset).getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private SegmentFormat() {
    }
}
