package io.lifeboat.cli;

import io.lifeboat.core.layout.PartitionChain;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.SegmentFetcher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads restored partitions with a read_committed consumer, from the beginning to the end they have
 * when the read starts, beside the backup set's records of the same partition, and hands each pair to
 * a {@link RestoredPartitionCheck}. Holds one segment and one fetch at a time, whatever the size.
 */
final class RestoredPartitionReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final SegmentFetcher fetcher;
    private final Duration timeout;

    /** @param clientSettings Kafka client settings (security), bootstrap servers included */
    RestoredPartitionReader(Map<String, Object> clientSettings, SegmentFetcher fetcher, Duration timeout) {
        this.consumer = ReadCommittedConsumers.create(clientSettings, "lifeboat-drill-verify");
        this.fetcher = fetcher;
        this.timeout = timeout;
    }

    /** Compares the restored {@code target} with the backup set's {@code chain}. */
    RestoredPartitionCheck.Result verify(PartitionChain chain, TopicPartition target, RestoredPartitionCheck check)
            throws IOException {
        consumer.assign(List.of(target));
        consumer.seekToBeginning(List.of(target));
        long end = consumer.endOffsets(List.of(target), timeout).get(target);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (BackupPartitionReader backup = new BackupPartitionReader(fetcher, chain)) {
            while (consumer.position(target, timeout) < end && !check.full()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("reading the restored " + target + " did not reach its end offset " + end
                            + " within " + timeout.toSeconds() + " s (at " + consumer.position(target) + ")");
                }
                for (ConsumerRecord<byte[], byte[]> restored : consumer.poll(Duration.ofMillis(500)).records(target)) {
                    if (restored.offset() >= end) {
                        break;
                    }
                    BackupRecord original = backup.next();
                    if (original == null) {
                        check.extraRestored(restored);
                    } else {
                        check.compare(original, restored);
                    }
                }
            }
            return check.finish(check.full() ? null : backup.next(), end);
        } finally {
            consumer.unsubscribe();
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
