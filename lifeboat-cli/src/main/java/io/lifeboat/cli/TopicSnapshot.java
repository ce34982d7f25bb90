package io.lifeboat.cli;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Everything a topic holds, as a read_committed consumer sees it: every partition (also the empty
 * ones), each record's offset, timestamp, key, value and headers, in offset order.
 *
 * @param topic      the topic read
 * @param partitions records per partition number, for every partition of the topic
 */
public record TopicSnapshot(String topic, Map<Integer, List<SnapshotRecord>> partitions) {

    /** One record. Header values and key and value may be null; null is not the same as empty. */
    public record SnapshotRecord(int partition, long offset, long timestamp, TimestampType timestampType,
                                 byte[] key, byte[] value, List<SnapshotHeader> headers) {

        /** Bytes of key, value and headers (keys as UTF-8), for reports. */
        public long payloadBytes() {
            long bytes = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
            for (SnapshotHeader header : headers) {
                bytes += header.key().getBytes(StandardCharsets.UTF_8).length
                        + (header.value() == null ? 0 : header.value().length);
            }
            return bytes;
        }
    }

    /** One header, in the record's order (duplicates kept). */
    public record SnapshotHeader(String key, byte[] value) {
    }

    /**
     * Reads the whole topic: assigns every partition, seeks to the beginning and reads until the end
     * offsets (last stable offsets, under read_committed) taken at the start.
     *
     * @throws IllegalStateException when the topic does not exist or the end is not reached in time
     */
    public static TopicSnapshot read(String bootstrapServers, String topic, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Topic " + topic + " does not exist");
            }
            List<TopicPartition> assigned = infos.stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
            Map<Integer, List<SnapshotRecord>> records = new TreeMap<>();
            assigned.forEach(tp -> records.put(tp.partition(), new ArrayList<>()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading topic " + topic + " did not reach its end offsets " + end
                            + " within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        records.get(r.partition()).add(toSnapshotRecord(r));
                    }
                }
            }
            return new TopicSnapshot(topic, records);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static SnapshotRecord toSnapshotRecord(ConsumerRecord<byte[], byte[]> r) {
        List<SnapshotHeader> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            headers.add(new SnapshotHeader(h.key(), h.value()));
        }
        return new SnapshotRecord(r.partition(), r.offset(), r.timestamp(), r.timestampType(), r.key(), r.value(),
                List.copyOf(headers));
    }

    public int partitionCount() {
        return partitions.size();
    }

    public long recordCount() {
        return partitions.values().stream().mapToLong(List::size).sum();
    }

    public long payloadBytes() {
        return partitions.values().stream().flatMap(List::stream).mapToLong(SnapshotRecord::payloadBytes).sum();
    }

    /** Records of one partition (empty for an empty or unknown partition). */
    public List<SnapshotRecord> records(int partition) {
        return partitions.getOrDefault(partition, List.of());
    }

    /** Every record of every partition. */
    public List<SnapshotRecord> allRecords() {
        return partitions.values().stream().flatMap(List::stream).collect(Collectors.toList());
    }
}
