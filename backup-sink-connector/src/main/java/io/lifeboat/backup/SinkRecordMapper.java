package io.lifeboat.backup;

import io.lifeboat.core.config.ExactCopyRules;
import io.lifeboat.core.segment.BackupHeader;
import io.lifeboat.core.segment.BackupRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link SinkRecord} (converted by ByteArrayConverter) back into the Kafka record it came
 * from. Uses the original topic, partition and offset, which Connect keeps even if something
 * rewrote the record.
 */
final class SinkRecordMapper {

    static BackupRecord toBackupRecord(SinkRecord record) {
        List<BackupHeader> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(new BackupHeader(header.key(), bytes(header.value(), record, "header '" + header.key() + "'")));
        }
        TimestampType type = record.timestampType() == null ? TimestampType.NO_TIMESTAMP_TYPE : record.timestampType();
        Long timestamp = type == TimestampType.NO_TIMESTAMP_TYPE ? null : record.timestamp();
        return new BackupRecord(record.originalTopic(), record.originalKafkaPartition(), record.originalKafkaOffset(),
                timestamp, type, bytes(record.key(), record, "key"), bytes(record.value(), record, "value"), headers);
    }

    private static byte[] bytes(Object value, SinkRecord record, String what) {
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        throw new ConnectException("The " + what + " of " + record.originalTopic() + "-"
                + record.originalKafkaPartition() + " offset " + record.originalKafkaOffset() + " is a "
                + value.getClass().getName() + ", not bytes: the backup connector needs "
                + ExactCopyRules.BYTE_ARRAY_CONVERTER + " for keys, values and headers");
    }

    private SinkRecordMapper() {
    }
}
