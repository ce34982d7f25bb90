package io.lifeboat.cli;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Counts the records a read_committed consumer reads between two offsets of a partition: what a
 * backup, which reads the same way, has still to store. Offsets alone overstate it: a backup never
 * receives the records of aborted transactions nor the transaction markers, so its committed offset
 * stays short of the end after a topic's last transaction, with nothing left to back up.
 */
final class PendingRecords implements AutoCloseable {

    /** Offset ranges longer than this are not read: their length is the figure (an upper bound). */
    static final long MAX_COUNTED = 100_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<byte[], byte[]> consumer;

    /** @param clientConfig Kafka client settings, bootstrap servers included */
    PendingRecords(Map<String, Object> clientConfig) {
        this.consumer = ReadCommittedConsumers.create(clientConfig, "lifeboat-pending-records");
    }

    /**
     * The records of {@code tp} at offsets {@code from} (inclusive) to {@code to} (exclusive, at most the
     * last stable offset); empty when the range is longer than {@link #MAX_COUNTED} or not read in time.
     */
    OptionalLong count(TopicPartition tp, long from, long to) {
        if (to <= from) {
            return OptionalLong.of(0);
        }
        if (to - from > MAX_COUNTED) {
            return OptionalLong.empty();
        }
        consumer.assign(List.of(tp));
        consumer.seek(tp, from);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long records = 0;
        try {
            while (consumer.position(tp, TIMEOUT) < to) {
                if (System.nanoTime() > deadline) {
                    return OptionalLong.empty();
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                    if (r.offset() < to) {
                        records++;
                    }
                }
            }
            return OptionalLong.of(records);
        } finally {
            consumer.unsubscribe();
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
