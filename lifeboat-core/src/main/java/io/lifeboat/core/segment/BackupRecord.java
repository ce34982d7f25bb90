package io.lifeboat.core.segment;

import org.apache.kafka.common.record.TimestampType;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A Kafka record as the backup keeps it: everything needed to write it again exactly.
 * {@code key} and {@code value} may be null (and null is not the same as empty); {@code headers}
 * keeps Kafka's order and duplicate keys; {@code timestamp} is null when the record had none.
 */
public record BackupRecord(String topic, int partition, long offset, Long timestamp, TimestampType timestampType,
                           byte[] key, byte[] value, List<BackupHeader> headers) {

    public BackupRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(timestampType, "timestampType");
        headers = List.copyOf(headers);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackupRecord r && topic.equals(r.topic) && partition == r.partition
                && offset == r.offset && Objects.equals(timestamp, r.timestamp) && timestampType == r.timestampType
                && Arrays.equals(key, r.key) && Arrays.equals(value, r.value) && headers.equals(r.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, timestamp);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
