package io.lifeboat.benchmarks;

import io.lifeboat.benchmarks.ceiling.BenchData;
import io.lifeboat.benchmarks.ceiling.MemorySourceConnector;
import io.lifeboat.benchmarks.ceiling.NullSinkConnector;
import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.ConnectorProgress;
import io.lifeboat.cli.RestoreWatch;
import io.lifeboat.harness.EmbeddedKafkaConnect;
import io.lifeboat.harness.KafkaTopics;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./lifeboat bench}: throughput and heap of a backup and of a restore, each next to the raw
 * Kafka clients doing the same work and to Connect's own ceiling on the same worker, in one process on
 * one embedded cluster: the backup reads a topic as raw consumers and a do-nothing sink connector
 * ({@link NullSinkConnector}) do, the restore writes it as raw producers and a from-memory source
 * connector ({@link MemorySourceConnector}) do, all with the same converters. Values are text-like
 * ({@link BenchData}), so they compress as real payloads do.
 *
 * <p>For each value size: raw producers write the topic, raw consumers read it (as many clients as the
 * connectors have tasks, {@link RawClients}), the do-nothing sink reads it, the from-memory source
 * writes the same records into a topic of its own; then, for
 * each store, the backup backs the topic up, the topic is deleted and the restore writes it back
 * (the next store's backup reads the restored topic). The four stages that do not touch a store are
 * measured once per value size and shared by its stores' rows.
 */
public final class Benchmark {

    /**
     * The worker's offset commit interval in the benchmark: a sink's committed progress moves once per
     * commit, so the steady-state window needs several of them.
     */
    public static final long OFFSET_FLUSH_INTERVAL_MS = 500;
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final BenchSettings settings;
    private final Path pluginPath;
    private final PrintStream out;
    private final StageMeter meter;

    public Benchmark(BenchSettings settings, Path pluginPath, PrintStream out) {
        this.settings = settings;
        this.pluginPath = pluginPath;
        this.out = out;
        this.meter = new StageMeter(out);
    }

    /** Runs every value size against every store and returns the report (not yet printed). */
    public BenchReport run() throws Exception {
        BenchReport report = new BenchReport(settings);
        List<BenchStore> stores = new ArrayList<>();
        try (EmbeddedKafkaConnect connect = EmbeddedKafkaConnect.startQuietly(pluginPath,
                Map.of("offset.flush.interval.ms", Long.toString(OFFSET_FLUSH_INTERVAL_MS)))) {
            for (String name : settings.stores()) {
                stores.add(BenchStore.open(name));
            }
            for (int valueBytes : settings.valueSizes()) {
                new SizeRun(connect, valueBytes).run(stores, report);
            }
        } finally {
            for (BenchStore store : stores) {
                store.close();
            }
        }
        return report;
    }

    /** The stages of one value size. */
    private final class SizeRun {
        private final EmbeddedKafkaConnect connect;
        private final int valueBytes;
        private final BenchData data;
        private final int recordBytes;
        private final String topic;
        private final ClusterProgress cluster;
        private final ConnectorProgress connectors;
        private final long records = settings.records();
        private final int partitions = settings.partitions();

        SizeRun(EmbeddedKafkaConnect connect, int valueBytes) {
            this.connect = connect;
            this.valueBytes = valueBytes;
            this.data = new BenchData(partitions, valueBytes);
            this.recordBytes = BenchData.KEY_BYTES + valueBytes;
            this.topic = "bench.data-" + valueBytes;
            this.cluster = new ClusterProgress(connect);
            this.connectors = new ConnectorProgress(connect);
        }

        void run(List<BenchStore> stores, BenchReport report) throws Exception {
            connect.admin().createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
                    .get(1, TimeUnit.MINUTES);
            SampleData.awaitLeaders(connect.admin(), List.of(topic));
            out.printf("[bench] %,d records of %,d + %d bytes (%.0f MB) in %d partitions, %d tasks each%n", records,
                    valueBytes, BenchData.KEY_BYTES, records * (double) recordBytes / 1e6, partitions, settings.tasks());
            Map<Stage, StageResult> shared = new EnumMap<>(Stage.class);
            shared.put(Stage.RAW_PRODUCER, rawProducer());
            Map<TopicPartition, Long> ends = cluster.endOffsets(topic, partitions);
            shared.put(Stage.RAW_CONSUMER, rawConsumer());
            shared.put(Stage.NULL_SINK, nullSink(ends));
            shared.put(Stage.MEMORY_SOURCE, memorySource());
            for (BenchStore store : stores) {
                Map<Stage, StageResult> row = new EnumMap<>(shared);
                String prefix = "bench-" + valueBytes;
                ends = cluster.endOffsets(topic, partitions);
                row.put(Stage.BACKUP, backup(store, prefix, ends));
                new KafkaTopics(connect.admin()).deleteAndAwait(List.of(topic), TIMEOUT);
                row.put(Stage.RESTORE, restore(store, prefix, ends));
                report.add(valueBytes, store.name(), row, store.storedBytes(prefix));
            }
            new KafkaTopics(connect.admin()).deleteAndAwait(List.of(topic), TIMEOUT);
        }

        private StageResult rawProducer() throws Exception {
            AtomicLong acked = new AtomicLong();
            return meter.measure(Stage.RAW_PRODUCER, "Producing them with raw producers (acks=all)", records,
                    recordBytes, acked::get, () -> rawClients().produce(topic, data, records, acked));
        }

        private StageResult rawConsumer() throws Exception {
            AtomicLong seen = new AtomicLong();
            return meter.measure(Stage.RAW_CONSUMER, "Consuming them with raw consumers", records, recordBytes,
                    seen::get, () -> rawClients().consume(topic, seen));
        }

        /** As many raw clients as the connectors have tasks. */
        private RawClients rawClients() {
            return new RawClients(connect.bootstrapServers(), partitions, settings.tasks());
        }

        private StageResult nullSink(Map<TopicPartition, Long> ends) throws Exception {
            String name = "lifeboat-bench-null-sink-" + valueBytes;
            StageResult result = meter.measure(Stage.NULL_SINK, "Consuming them with a do-nothing sink connector "
                    + "(Connect's ceiling)", records, recordBytes, cluster.committed(name, ends, records), () -> {
                        Map<String, String> config = new HashMap<>();
                        config.put("connector.class", NullSinkConnector.class.getName());
                        config.put("tasks.max", Integer.toString(settings.tasks()));
                        config.put("topics", topic);
                        byteArrayConverters(config);
                        config.put("consumer.override.isolation.level", "read_committed");
                        connect.cluster().configureConnector(name, config);
                        connectors.awaitCommitted(name, ends, TIMEOUT);
                    });
            connectors.deleteConnector(name, TIMEOUT);
            return result;
        }

        private StageResult memorySource() throws Exception {
            String name = "lifeboat-bench-memory-source-" + valueBytes;
            String target = "bench.memory-" + valueBytes;
            StageResult result = meter.measure(Stage.MEMORY_SOURCE, "Writing the same records with a from-memory "
                    + "source connector (Connect's ceiling)", records, recordBytes, cluster.written(target, partitions),
                    () -> {
                        connect.admin().createTopics(List.of(new NewTopic(target, partitions, (short) 1)))
                                .all().get(1, TimeUnit.MINUTES);
                        Map<String, String> config = new HashMap<>();
                        config.put("connector.class", MemorySourceConnector.class.getName());
                        config.put("tasks.max", Integer.toString(settings.tasks()));
                        config.put("topic", target);
                        config.put("partitions", Integer.toString(partitions));
                        config.put("records", Long.toString(records));
                        config.put("value.bytes", Integer.toString(valueBytes));
                        byteArrayConverters(config);
                        config.putAll(settings.restoreProducerOverrides());
                        connect.cluster().configureConnector(name, config);
                        cluster.awaitWritten(name, target, partitions, records, TIMEOUT.toNanos());
                    });
            connectors.deleteConnector(name, TIMEOUT);
            new KafkaTopics(connect.admin()).deleteAndAwait(List.of(target), TIMEOUT);
            return result;
        }

        private StageResult backup(BenchStore store, String prefix, Map<TopicPartition, Long> ends) throws Exception {
            String name = "lifeboat-bench-backup-" + valueBytes + "-" + store.name();
            StageResult result = meter.measure(Stage.BACKUP, "Backing them up with the backup connector ("
                    + store.name() + " store)", records, recordBytes, cluster.committed(name, ends, records), () -> {
                        Map<String, String> config = ConnectorConfigs.backup(name, List.of(topic),
                                store.storage(prefix));
                        config.put("tasks.max", Integer.toString(settings.tasks()));
                        config.put("segment.max.age.ms", "1000");
                        config.put("segment.compression", settings.compression());
                        connect.cluster().configureConnector(name, config);
                        connectors.awaitCommitted(name, ends, TIMEOUT);
                    });
            connectors.deleteConnector(name, TIMEOUT);
            return result;
        }

        private StageResult restore(BenchStore store, String prefix, Map<TopicPartition, Long> ends) throws Exception {
            String name = "lifeboat-bench-restore-" + valueBytes + "-" + store.name();
            StageResult result = meter.measure(Stage.RESTORE, "Restoring them with the restore connector ("
                    + store.name() + " store)", records, recordBytes, cluster.written(topic, partitions), () -> {
                        Map<String, String> config = ConnectorConfigs.restore(name, connect.bootstrapServers(),
                                store.storage(prefix));
                        config.put("tasks.max", Integer.toString(settings.tasks()));
                        config.putAll(settings.restoreProducerOverrides());
                        connect.cluster().configureConnector(name, config);
                        new RestoreWatch(connect).awaitComplete(name, ends, Map.of(), TIMEOUT);
                    });
            connectors.deleteConnector(name, TIMEOUT);
            return result;
        }
    }

    private static void byteArrayConverters(Map<String, String> config) {
        config.put("key.converter", ConnectorConfigs.BYTE_ARRAY_CONVERTER);
        config.put("value.converter", ConnectorConfigs.BYTE_ARRAY_CONVERTER);
        config.put("header.converter", ConnectorConfigs.BYTE_ARRAY_CONVERTER);
    }
}
