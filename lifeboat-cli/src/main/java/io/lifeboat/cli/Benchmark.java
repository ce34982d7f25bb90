package io.lifeboat.cli;

import io.lifeboat.cli.ceiling.BenchData;
import io.lifeboat.cli.ceiling.MemorySourceConnector;
import io.lifeboat.cli.ceiling.NullSinkConnector;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ./lifeboat bench}: throughput of a backup and of a restore, each next to the raw Kafka
 * client doing the same work and to Connect's own ceiling on the same worker, in the same run on the
 * same embedded cluster: the backup reads a topic like a raw consumer and a do-nothing sink connector
 * ({@link NullSinkConnector}) do, the restore writes it like a raw producer and a from-memory source
 * connector ({@link MemorySourceConnector}) do, all with the same converters. Values are text-like (a
 * small vocabulary, {@link BenchData}), so they compress as real payloads do.
 */
public final class Benchmark {

    private static final String TOPIC = "bench.data";
    private static final String BACKUP = "lifeboat-bench-backup";
    private static final String RESTORE = "lifeboat-bench-restore";
    private static final String NULL_SINK = "lifeboat-bench-null-sink";
    private static final String MEMORY_SOURCE = "lifeboat-bench-memory-source";
    private static final String MEMORY_TOPIC = "bench.memory";
    private static final Duration TIMEOUT = Duration.ofMinutes(20);

    /** Producer settings README recommends for a restore: bigger batches than the producer's 16 KiB default. */
    public static final Map<String, String> TUNED_RESTORE_PRODUCER = Map.of(
            "producer.override.batch.size", "262144", "producer.override.linger.ms", "5");

    private static final long STALL_NANOS = 60_000_000_000L;

    private final Path pluginPath;
    private final PrintStream out;
    private final long records;
    private final int valueBytes;
    private final int partitions;
    private final String compression;
    private final Map<String, String> restoreProducerOverrides;

    public Benchmark(Path pluginPath, PrintStream out, long records, int valueBytes, int partitions,
                     String compression, Map<String, String> restoreProducerOverrides) {
        this.pluginPath = pluginPath;
        this.out = out;
        this.records = records;
        this.valueBytes = valueBytes;
        this.partitions = partitions;
        this.compression = compression;
        this.restoreProducerOverrides = Map.copyOf(restoreProducerOverrides);
    }

    public void run() throws Exception {
        Path storeRoot = Files.createTempDirectory("lifeboat-bench-store-");
        try (EmbeddedKafkaConnect connect = EmbeddedKafkaConnect.startQuietly(pluginPath)) {
            connect.admin().createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 1))).all().get(1, TimeUnit.MINUTES);
            SampleData.awaitLeaders(connect.admin(), List.of(TOPIC));
            double megabytes = records * (double) (valueBytes + 16) / 1e6;
            progress(String.format("Producing %,d records of %,d bytes (%.0f MB) into %d partitions", records, valueBytes,
                    megabytes, partitions));
            double produceSeconds = timed(() -> produce(connect.bootstrapServers()));
            progress("Consuming them with a raw consumer");
            double consumeSeconds = timed(() -> consume(connect.bootstrapServers()));
            TopicSnapshot original = TopicSnapshot.read(connect.bootstrapServers(), TOPIC, TIMEOUT);
            ConnectorProgress progress = new ConnectorProgress(connect);

            progress("Consuming them with a do-nothing sink connector (Connect's ceiling, 1 task)");
            double nullSinkSeconds = timed(() -> {
                Map<String, String> config = new HashMap<>();
                config.put("connector.class", NullSinkConnector.class.getName());
                config.put("tasks.max", "1");
                config.put("topics", TOPIC);
                byteArrayConverters(config);
                config.put("consumer.override.isolation.level", "read_committed");
                connect.cluster().configureConnector(NULL_SINK, config);
                progress.awaitBackupCaughtUp(NULL_SINK, List.of(original), TIMEOUT);
            });
            progress.deleteConnector(NULL_SINK, TIMEOUT);
            Map<String, String> storage = ConnectorConfigs.filesystemStorage(storeRoot, "bench");

            progress("Backing up with the backup connector (1 task)");
            double backupSeconds = timed(() -> {
                Map<String, String> config = ConnectorConfigs.backup(BACKUP, List.of(TOPIC), storage);
                config.put("segment.max.age.ms", "1000");
                config.put("segment.compression", compression);
                connect.cluster().configureConnector(BACKUP, config);
                progress.awaitBackupCaughtUp(BACKUP, List.of(original), TIMEOUT);
            });
            progress.deleteConnector(BACKUP, TIMEOUT);
            new KafkaTopics(connect.admin()).deleteAndAwait(List.of(TOPIC), TIMEOUT);

            progress("Restoring with the restore connector (1 task)");
            double restoreSeconds = timed(() -> {
                Map<String, String> config = ConnectorConfigs.restore(RESTORE, connect.bootstrapServers(), storage);
                config.putAll(restoreProducerOverrides);
                connect.cluster().configureConnector(RESTORE, config);
                new RestoreWatch(connect).awaitComplete(RESTORE, List.of(original), TIMEOUT);
            });
            progress.deleteConnector(RESTORE, TIMEOUT);

            progress("Writing the same records with a from-memory source connector (Connect's ceiling, 1 task)");
            double memorySourceSeconds = timed(() -> {
                connect.admin().createTopics(List.of(new NewTopic(MEMORY_TOPIC, partitions, (short) 1)))
                        .all().get(1, TimeUnit.MINUTES);
                Map<String, String> config = new HashMap<>();
                config.put("connector.class", MemorySourceConnector.class.getName());
                config.put("tasks.max", "1");
                config.put("topic", MEMORY_TOPIC);
                config.put("partitions", Integer.toString(partitions));
                config.put("records", Long.toString(records));
                config.put("value.bytes", Integer.toString(valueBytes));
                byteArrayConverters(config);
                config.putAll(restoreProducerOverrides);
                connect.cluster().configureConnector(MEMORY_SOURCE, config);
                awaitRecords(connect, MEMORY_TOPIC);
            });
            progress.deleteConnector(MEMORY_SOURCE, TIMEOUT);
            long stored = Files.walk(storeRoot).filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();

            out.println();
            out.printf("Lifeboat benchmark: %,d records of %,d bytes (%.0f MB), %d partitions, filesystem store, "
                    + "%s segments, 1 task each, all on this machine%n", records, valueBytes, megabytes, partitions,
                    compression);
            if (!restoreProducerOverrides.isEmpty()) {
                out.println("  restore connector settings: " + restoreProducerOverrides);
            }
            line("raw producer (acks=all)", megabytes, produceSeconds, "");
            line("raw consumer", megabytes, consumeSeconds, "");
            line("do-nothing sink (ceiling)", megabytes, nullSinkSeconds, "Connect's own ceiling for a sink");
            line("from-memory source (ceil.)", megabytes, memorySourceSeconds, "Connect's own ceiling for a source");
            line("backup", megabytes, backupSeconds,
                    String.format("%.2f x the raw consumer, %.2f x the do-nothing sink", consumeSeconds / backupSeconds,
                            nullSinkSeconds / backupSeconds));
            line("restore", megabytes, restoreSeconds,
                    String.format("%.2f x the raw producer, %.2f x the from-memory source", produceSeconds / restoreSeconds,
                            memorySourceSeconds / restoreSeconds));
            out.printf("  store: %,d bytes, %.2f of the payload%n", stored, stored / (megabytes * 1e6));
            out.println("  backup and do-nothing sink times include the offset commit interval (2 s) before the last "
                    + "offsets are committed, the backup's also up to segment.max.age.ms (1 s); restore and from-memory "
                    + "source times include topic creation. Times are start to end, not steady state.");
        } finally {
            try (var files = Files.walk(storeRoot)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void line(String what, double megabytes, double seconds, String ratio) {
        out.printf("  %-26s %8.1f MB/s  (%6.1f s)  %s%n", what, megabytes / seconds, seconds, ratio);
    }

    private void produce(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        BenchData data = new BenchData(partitions, valueBytes);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (long i = 0; i < records && failure.get() == null; i++) {
                producer.send(new ProducerRecord<>(TOPIC, data.partitionOf(i), data.key(i), data.value(i)),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
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

    private void consume(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> assignment = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assignment.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(assignment);
            consumer.seekToBeginning(assignment);
            long seen = 0;
            long lastProgress = System.nanoTime();
            while (seen < records) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofSeconds(1));
                seen += batch.count();
                if (!batch.isEmpty()) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALL_NANOS) {
                    throw new IllegalStateException("The raw consumer read " + seen + " of " + records
                            + " records and then nothing for a minute");
                }
            }
        }
    }

    private static void byteArrayConverters(Map<String, String> config) {
        config.put("key.converter", ConnectorConfigs.BYTE_ARRAY_CONVERTER);
        config.put("value.converter", ConnectorConfigs.BYTE_ARRAY_CONVERTER);
        config.put("header.converter", ConnectorConfigs.BYTE_ARRAY_CONVERTER);
    }

    /** Waits until {@code topic} ends at {@link #records} records in all. */
    private void awaitRecords(EmbeddedKafkaConnect connect, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            long written = connect.admin().listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
            if (written >= records) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(topic + " holds " + written + " of " + records + " records after " + TIMEOUT);
            }
            Thread.sleep(20);
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private static double timed(Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private void progress(String line) {
        out.println("[bench] " + line);
        out.flush();
    }
}
