package io.lifeboat.benchmarks;

import io.lifeboat.benchmarks.ceiling.BenchData;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The raw Kafka clients the connectors are held against: a producer (acks=all, the batch settings the
 * restore uses) writing the data set, and a read_committed consumer reading it back. Each counts its
 * progress in an {@link AtomicLong} for the sampler.
 */
final class RawClients {

    private static final long STALL_NANOS = 60_000_000_000L;

    private final String bootstrapServers;

    RawClients(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Writes records 0 to {@code records - 1} of {@code data} into {@code topic}; {@code acked} counts acknowledgements. */
    void produce(String topic, BenchData data, long records, AtomicLong acked) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (long i = 0; i < records && failure.get() == null; i++) {
                producer.send(new ProducerRecord<>(topic, data.partitionOf(i), data.key(i), data.value(i)),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            } else {
                                acked.incrementAndGet();
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("The raw producer could not write every record, so the benchmark has "
                    + "nothing to compare with: " + failure.get(), failure.get());
        }
    }

    /** Reads {@code records} records from the {@code partitions} partitions of {@code topic}; {@code seen} counts them. */
    void consume(String topic, int partitions, long records, AtomicLong seen) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> assignment = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assignment.add(new TopicPartition(topic, p));
            }
            consumer.assign(assignment);
            consumer.seekToBeginning(assignment);
            long lastProgress = System.nanoTime();
            while (seen.get() < records) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofSeconds(1));
                seen.addAndGet(batch.count());
                if (!batch.isEmpty()) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALL_NANOS) {
                    throw new IllegalStateException("The raw consumer read " + seen.get() + " of " + records
                            + " records and then nothing for a minute");
                }
            }
        }
    }
}
