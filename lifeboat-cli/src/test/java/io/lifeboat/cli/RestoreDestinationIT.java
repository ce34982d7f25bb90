package io.lifeboat.cli;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restore into another cluster than the worker's: topics are prepared through
 * target.cluster.bootstrap.servers, records go where Connect's producer writes. Without
 * producer.override.bootstrap.servers they would land in the worker's cluster, possibly appended to
 * a live topic of the same name there: the task stops after one record, saying which key to set.
 * With the override, the restore lands in the target cluster byte for byte.
 */
class RestoreDestinationIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String TOPIC = "dest.orders";

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    static Path storeRoot;

    private static EmbeddedKafkaCluster other;

    @BeforeAll
    static void startTargetCluster() {
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        broker.put("offsets.topic.replication.factor", "1");
        broker.put("auto.create.topics.enable", "false");
        other = new EmbeddedKafkaCluster(1, broker);
        other.start();
    }

    @AfterAll
    static void stopTargetCluster() {
        if (other != null) {
            other.stop();
        }
    }

    @Test
    void recordsGoOnlyWhereTheRestoreLooked() throws Exception {
        Admin workerAdmin = KAFKA.connect().admin();
        workerAdmin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        SampleData.awaitLeaders(workerAdmin, List.of(TOPIC));
        produce(20);
        TopicSnapshot original = TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC, TIMEOUT);
        Map<String, String> storage = ConnectorConfigs.filesystemStorage(storeRoot, "dest");
        KAFKA.configure(ConnectorConfigs.backup("dest-backup", List.of(TOPIC), storage));
        KAFKA.progress().awaitBackupCaughtUp("dest-backup", List.of(original), TIMEOUT);
        KAFKA.progress().deleteConnector("dest-backup", TIMEOUT);

        // The live topic stays in the worker's cluster; the restore names the other cluster only for admin work.
        Map<String, String> misdirected = ConnectorConfigs.restore("dest-restore-1", other.bootstrapServers(), storage);
        KAFKA.configure(misdirected);
        String trace = KAFKA.progress().awaitTaskFailure("dest-restore-1", TIMEOUT);
        assertTrue(trace.contains("go to another cluster") && trace.contains("producer.override.bootstrap.servers"),
                trace);
        KAFKA.progress().deleteConnector("dest-restore-1", TIMEOUT);
        assertEquals(original.recordCount() + 1,
                TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC, TIMEOUT).recordCount(),
                "exactly one record reached the worker's cluster");
        assertEquals(0, TopicSnapshot.read(other.bootstrapServers(), TOPIC, TIMEOUT).recordCount());

        Map<String, String> directed = ConnectorConfigs.restore("dest-restore-2", other.bootstrapServers(), storage);
        directed.put("restore.topic.mapping", TOPIC + ":" + TOPIC + ".restored");
        directed.put("producer.override.bootstrap.servers", other.bootstrapServers());
        KAFKA.configure(directed);
        Await.condition("the restore into the other cluster", TIMEOUT,
                () -> restoredCount(TOPIC + ".restored") >= original.recordCount(),
                () -> "fewer than " + original.recordCount() + " records in the other cluster");
        KAFKA.progress().failIfFailed("dest-restore-2");
        RecordComparison comparison = RecordComparison.compare(original,
                TopicSnapshot.read(other.bootstrapServers(), TOPIC + ".restored", TIMEOUT));
        assertTrue(comparison.matches(), comparison.toString());
        KAFKA.progress().deleteConnector("dest-restore-2", TIMEOUT);
    }

    private static long restoredCount(String topic) {
        try {
            return TopicSnapshot.read(other.bootstrapServers(), topic, Duration.ofSeconds(10)).recordCount();
        } catch (RuntimeException e) {
            return 0; // the restore has not created the topic yet
        }
    }

    private static void produce(int count) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 2, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        ("value-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }
}
