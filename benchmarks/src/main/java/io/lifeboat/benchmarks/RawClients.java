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
 * The raw Kafka clients the connectors are held against, as many as the connectors have tasks, each
 * on a thread of its own with the partitions dealt round-robin (as the from-memory source and the
 * restore deal them): producers (acks=all, the batch settings the restore uses) writing the data
 * set, and read_committed consumers reading it back. They count their progress in an
 * {@link AtomicLong} for the sampler.
 */
final class RawClients {

    private static final long STALL_NANOS = 60_000_000_000L;

    private final String bootstrapServers;
    private final int partitions;
    private final int clients;

    /** {@code clients} clients (at most one per partition) on a topic of {@code partitions} partitions. */
    RawClients(String bootstrapServers, int partitions, int clients) {
        this.bootstrapServers = bootstrapServers;
        this.partitions = partitions;
        this.clients = Math.min(clients, partitions);
    }

    /** Writes records 0 to {@code records - 1} of {@code data} into {@code topic}; {@code acked} counts acknowledgements. */
    void produce(String topic, BenchData data, long records, AtomicLong acked) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        AtomicReference<Exception> failure = new AtomicReference<>();
        inParallel("producer", client -> {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
                for (long i = 0; i < records && failure.get() == null; i++) {
                    int partition = data.partitionOf(i);
                    if (partition % clients != client) {
                        continue;
                    }
                    producer.send(new ProducerRecord<>(topic, partition, data.key(i), data.value(i)), (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        } else {
                            acked.incrementAndGet();
                        }
                    });
                }
                producer.flush();
            }
        });
        if (failure.get() != null) {
            throw new IllegalStateException("The raw producer could not write every record, so the benchmark has "
                    + "nothing to compare with: " + failure.get(), failure.get());
        }
    }

    /** Reads {@code topic} from its beginning to the end offsets it has now; {@code seen} counts the records. */
    void consume(String topic, AtomicLong seen) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        inParallel("consumer", client -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
                List<TopicPartition> assignment = new ArrayList<>();
                for (int p = client; p < partitions; p += clients) {
                    assignment.add(new TopicPartition(topic, p));
                }
                consumer.assign(assignment);
                consumer.seekToBeginning(assignment);
                Map<TopicPartition, Long> ends = consumer.endOffsets(assignment);
                long lastProgress = System.nanoTime();
                while (!reachedEnd(consumer, ends)) {
                    ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofSeconds(1));
                    seen.addAndGet(batch.count());
                    if (!batch.isEmpty()) {
                        lastProgress = System.nanoTime();
                    } else if (System.nanoTime() - lastProgress > STALL_NANOS) {
                        throw new IllegalStateException("A raw consumer of " + assignment + " stopped short of "
                                + ends + " and read nothing for a minute");
                    }
                }
            }
        });
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private interface ClientWork {
        void run(int client) throws Exception;
    }

    /** Runs {@code work} for every client on a thread of its own; rethrows the first failure. */
    private void inParallel(String what, ClientWork work) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                try {
                    work.run(client);
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-raw-" + what + "-" + c);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
