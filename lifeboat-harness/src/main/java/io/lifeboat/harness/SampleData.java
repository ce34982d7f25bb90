package io.lifeboat.harness;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes records that a backup and restore can easily get wrong, with a raw byte producer:
 * <ul>
 *   <li>{@code awkward} (3 partitions): null and empty keys and values, tombstones, binary bytes that are
 *       not UTF-8, null, empty and duplicate headers, non-ASCII header keys, explicit CreateTime timestamps
 *       days in the past and out of order;</li>
 *   <li>{@code big} (1 partition): values of {@value #BIG_VALUE_BYTES} bytes between small records;</li>
 *   <li>{@code wide} (12 partitions): partitions {@link #EMPTY_WIDE_PARTITIONS} stay empty;</li>
 *   <li>{@code transactional} (2 partitions): committed and aborted transactions, aborted last; values of
 *       aborted records start with {@value #ABORTED_VALUE_PREFIX}.</li>
 *   <li>{@code compacted} (2 partitions, cleanup.policy=compact): keys updated many times, then deleted
 *       with tombstones. The cleaner is kept from running during a drill (so that what was read before the
 *       backup is what the backup reads); what a restore must keep is every record the topic holds.</li>
 * </ul>
 * The content is the same on every run (seeded), except for timestamps, which follow the clock.
 */
public final class SampleData {

    public static final int BIG_VALUE_BYTES = 1_000_000;
    public static final int WIDE_PARTITIONS = 12;
    public static final Set<Integer> EMPTY_WIDE_PARTITIONS = Set.of(3, 7, 11);
    public static final String ABORTED_VALUE_PREFIX = "ABORTED:";
    public static final String COMMITTED_VALUE_PREFIX = "committed:";

    private static final long DAY_MS = 24L * 60 * 60 * 1000;
    private static final int AWKWARD_RECORDS_PER_PARTITION = 300;

    /** The names of the sample topics. */
    public record Topics(String awkward, String big, String wide, String transactional, String compacted) {

        /** The topics, named {@code <prefix>awkward} and so on. */
        public static Topics withPrefix(String prefix) {
            return new Topics(prefix + "awkward", prefix + "big", prefix + "wide", prefix + "transactional",
                    prefix + "compacted");
        }

        public List<String> all() {
            return List.of(awkward, big, wide, transactional, compacted);
        }
    }

    private final String bootstrapServers;
    private final Random random = new Random(20240601L);
    private final long now = System.currentTimeMillis();
    private final List<Future<RecordMetadata>> pending = new ArrayList<>();

    public SampleData(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Creates the topics and writes their records; returns once every record is acknowledged. */
    public Topics write(Admin admin, String prefix) throws Exception {
        Topics topics = Topics.withPrefix(prefix);
        admin.createTopics(List.of(new NewTopic(topics.awkward(), 3, (short) 1),
                new NewTopic(topics.big(), 1, (short) 1),
                new NewTopic(topics.wide(), WIDE_PARTITIONS, (short) 1),
                new NewTopic(topics.transactional(), 2, (short) 1),
                new NewTopic(topics.compacted(), 2, (short) 1).configs(Map.of(
                        "cleanup.policy", "compact", "min.cleanable.dirty.ratio", "0.99")))).all()
                .get(60, TimeUnit.SECONDS);
        awaitLeaders(admin, topics.all());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(null))) {
            writeAwkward(producer, topics.awkward());
            writeBig(producer, topics.big());
            writeWide(producer, topics.wide());
            writeCompacted(producer, topics.compacted());
            producer.flush();
            for (Future<RecordMetadata> ack : pending) {
                ack.get(60, TimeUnit.SECONDS); // surfaces any send error
            }
            pending.clear();
        }
        writeTransactional(topics.transactional());
        return topics;
    }

    /**
     * Waits until the broker leads every partition of {@code topics}: until it answers a list-offsets
     * request (which only a leader serves) for all of them, so that the first sends do not bounce.
     */
    public static void awaitLeaders(Admin admin, Collection<String> topics) throws Exception {
        Await.condition("the broker to lead every partition of " + topics, Duration.ofSeconds(60), () -> {
            try {
                Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values().forEach(d ->
                        d.partitions().forEach(p -> request.put(new TopicPartition(d.name(), p.partition()),
                                OffsetSpec.latest())));
                admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException | TimeoutException e) {
                return false; // not yet known or not yet led, or the broker slow to answer: ask again
            }
        }, () -> "some partitions are not led yet");
    }

    private void writeAwkward(KafkaProducer<byte[], byte[]> producer, String topic) throws Exception {
        for (int partition = 0; partition < 3; partition++) {
            for (int i = 0; i < AWKWARD_RECORDS_PER_PARTITION; i++) {
                // Days in the past, within the default 7-day retention; every 7th record older than the one before.
                long timestamp = now - 3 * DAY_MS + i * 1_000L - (i % 7 == 0 ? DAY_MS : 0);
                send(producer, new ProducerRecord<>(topic, partition, timestamp, awkwardKey(i), awkwardValue(i),
                        awkwardHeaders(i)));
            }
        }
    }

    private byte[] awkwardKey(int i) {
        return switch (i % 5) {
            case 0 -> null;
            case 1 -> new byte[0];
            case 2 -> new byte[] {0, (byte) 0xFF, (byte) 0xFE, 0, '\n'};
            default -> ("key-" + i).getBytes(StandardCharsets.UTF_8);
        };
    }

    private byte[] awkwardValue(int i) {
        return switch (i % 6) {
            case 0 -> null; // a tombstone
            case 1 -> new byte[0];
            case 2 -> randomBytes(1 + random.nextInt(2_000));
            case 3 -> ("välue \u0000 \"quoted\" " + i).getBytes(StandardCharsets.UTF_8);
            default -> ("value-" + i).getBytes(StandardCharsets.UTF_8);
        };
    }

    private List<Header> awkwardHeaders(int i) {
        List<Header> headers = new ArrayList<>();
        switch (i % 4) {
            case 0 -> {
            }
            case 1 -> {
                headers.add(new RecordHeader("null-value", null));
                headers.add(new RecordHeader("empty-value", new byte[0]));
            }
            case 2 -> {
                headers.add(new RecordHeader("dup", "first".getBytes(StandardCharsets.UTF_8)));
                headers.add(new RecordHeader("other", new byte[] {1, 2, 3}));
                headers.add(new RecordHeader("dup", "second".getBytes(StandardCharsets.UTF_8)));
                headers.add(new RecordHeader("dup", null));
            }
            default -> {
                headers.add(new RecordHeader("ключ", "значение".getBytes(StandardCharsets.UTF_8)));
                headers.add(new RecordHeader("日本語", new byte[] {(byte) 0xC3, (byte) 0x28}));
                headers.add(new RecordHeader("emoji-\uD83D\uDEA4", "boat".getBytes(StandardCharsets.UTF_8)));
                headers.add(new RecordHeader("", "empty key".getBytes(StandardCharsets.UTF_8)));
            }
        }
        return headers;
    }

    private void writeBig(KafkaProducer<byte[], byte[]> producer, String topic) throws Exception {
        for (int i = 0; i < 7; i++) {
            boolean big = i % 2 == 1;
            byte[] key = ("big-" + i).getBytes(StandardCharsets.UTF_8);
            byte[] value = big ? randomBytes(BIG_VALUE_BYTES) : ("small-" + i).getBytes(StandardCharsets.UTF_8);
            send(producer, new ProducerRecord<>(topic, 0, now - DAY_MS + i, key, value,
                    List.of(new RecordHeader("size", Integer.toString(value.length).getBytes(StandardCharsets.UTF_8)))));
        }
    }

    private void writeWide(KafkaProducer<byte[], byte[]> producer, String topic) throws Exception {
        for (int partition = 0; partition < WIDE_PARTITIONS; partition++) {
            if (EMPTY_WIDE_PARTITIONS.contains(partition)) {
                continue;
            }
            for (int i = 0; i < 20 + 5 * partition; i++) {
                send(producer, new ProducerRecord<>(topic, partition, now - 2 * DAY_MS + i,
                        ("key-" + partition + "-" + i).getBytes(StandardCharsets.UTF_8),
                        ("value-" + partition + "-" + i).getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private void writeCompacted(KafkaProducer<byte[], byte[]> producer, String topic) {
        for (int partition = 0; partition < 2; partition++) {
            for (int round = 0; round < 5; round++) {
                for (int k = 0; k < 10; k++) {
                    byte[] key = ("account-" + k).getBytes(StandardCharsets.UTF_8);
                    byte[] value = round == 4 && k % 3 == 0 ? null
                            : ("balance=" + (round * 100 + k)).getBytes(StandardCharsets.UTF_8);
                    send(producer, new ProducerRecord<>(topic, partition, now - DAY_MS / 2 + round * 10L + k, key, value));
                }
            }
        }
    }

    private void writeTransactional(String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps("lifeboat-sample-" + topic))) {
            producer.initTransactions();
            for (int txn = 0; txn < 6; txn++) {
                boolean commit = txn % 2 == 0;
                producer.beginTransaction();
                for (int partition = 0; partition < 2; partition++) {
                    for (int i = 0; i < 10; i++) {
                        String value = (commit ? COMMITTED_VALUE_PREFIX : ABORTED_VALUE_PREFIX) + txn + "-" + i;
                        producer.send(new ProducerRecord<>(topic, partition, now - DAY_MS + txn * 100L + i,
                                ("txn-" + txn + "-" + i).getBytes(StandardCharsets.UTF_8),
                                value.getBytes(StandardCharsets.UTF_8)));
                    }
                }
                producer.flush();
                if (commit) {
                    producer.commitTransaction();
                } else {
                    producer.abortTransaction();
                }
            }
        }
    }

    private void send(KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
        pending.add(producer.send(record));
    }

    private Map<String, Object> producerProps(String transactionalId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_000); // above the big records, below the broker's limit
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1); // retries can never reorder
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return props;
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
