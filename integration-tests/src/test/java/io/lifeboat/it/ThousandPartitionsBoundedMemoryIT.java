package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.RecordComparison;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Memory is bounded by design: one backup task with 1,000 busy partitions (every one of them holding an
 * open segment, all due at the same moment) and one restore task with 1,000 partitions, in a JVM of
 * {@value #HEAP_LIMIT_MB} MB heap that holds the broker, the Connect worker and this test. Run by its own
 * failsafe execution with {@code -Xmx512m} (lifeboat-cli's pom); the test checks the limit is in force.
 */
class ThousandPartitionsBoundedMemoryIT {

    static final int HEAP_LIMIT_MB = 512;
    private static final Duration TIMEOUT = Duration.ofMinutes(6);
    private static final String TOPIC = "wide.events";
    private static final String RESTORED = "wide.events.restored";
    private static final int PARTITIONS = 1_000;
    private static final int RECORDS_PER_PARTITION = 40;
    private static final int VALUE_BYTES = 1_024;

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    Path root;

    @Test
    void aBackupAndARestoreOfAThousandPartitionsFitInTheHeap() throws Exception {
        assumeTrue(Boolean.getBoolean("lifeboat.bounded.memory"), "runs only in lifeboat-cli's bounded-memory failsafe "
                + "execution, with -Xmx" + HEAP_LIMIT_MB + "m");
        long maxHeapMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
        assertTrue(maxHeapMb <= HEAP_LIMIT_MB, "this test must run with -Xmx" + HEAP_LIMIT_MB + "m (its own failsafe "
                + "execution), the JVM allows " + maxHeapMb + " MB");

        KAFKA.connect().admin().createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                .all().get(2, TimeUnit.MINUTES);
        SampleData.awaitLeaders(KAFKA.connect().admin(), List.of(TOPIC));
        produce();
        TopicSnapshot original = TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC, TIMEOUT);
        assertEquals((long) PARTITIONS * RECORDS_PER_PARTITION, original.recordCount());

        Map<String, String> storage = ConnectorConfigs.filesystemStorage(root, "wide");
        resetPeaks();
        Map<String, String> backup = ConnectorConfigs.backup("wide-backup", List.of(TOPIC), storage);
        backup.put("tasks.max", "1");
        backup.put("segment.max.age.ms", "5000"); // every partition's segment open at once, all due together
        KAFKA.configure(backup);
        KAFKA.progress().awaitBackupCaughtUp("wide-backup", List.of(original), TIMEOUT);
        KAFKA.progress().deleteConnector("wide-backup", TIMEOUT);
        long backupPeakMb = peakHeapMb();

        resetPeaks();
        Map<String, String> restore = ConnectorConfigs.restore("wide-restore", KAFKA.bootstrapServers(), storage);
        restore.put("tasks.max", "1");
        restore.put("restore.topic.mapping", TOPIC + ":" + RESTORED);
        KAFKA.configure(restore);
        KAFKA.restores().awaitComplete("wide-restore", List.of(original), Map.of(TOPIC, RESTORED), TIMEOUT);
        KAFKA.progress().deleteConnector("wide-restore", TIMEOUT);
        long restorePeakMb = peakHeapMb();

        RecordComparison comparison = RecordComparison.compare(original,
                TopicSnapshot.read(KAFKA.bootstrapServers(), RESTORED, TIMEOUT));
        assertTrue(comparison.matches(), comparison.toString());
        System.out.printf("1,000 partitions in a %d MB heap: peak heap used %d MB during the backup, %d MB during "
                + "the restore (broker, worker and test together)%n", maxHeapMb, backupPeakMb, restorePeakMb);
    }

    private static void resetPeaks() {
        System.gc();
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeapMb() {
        return heapPools().stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum() / (1024 * 1024);
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }

    private void produce() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        Random random = new Random(1_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                for (int p = 0; p < PARTITIONS; p++) {
                    byte[] value = new byte[VALUE_BYTES];
                    Arrays.fill(value, (byte) ('a' + random.nextInt(26)));
                    value[random.nextInt(VALUE_BYTES)] = (byte) random.nextInt(256);
                    producer.send(new ProducerRecord<>(TOPIC, p, ("key-" + p + "-" + i).getBytes(StandardCharsets.UTF_8),
                            value));
                }
            }
            producer.flush();
        }
    }
}
