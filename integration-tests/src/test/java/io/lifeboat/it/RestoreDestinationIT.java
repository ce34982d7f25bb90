package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.ConnectorProgress;
import io.lifeboat.cli.RecordComparison;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.harness.Await;
import io.lifeboat.harness.SampleData;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restore into another cluster than the worker's: topics are prepared through
 * target.cluster.bootstrap.servers, records go where Connect's producer writes. Without
 * producer.override.bootstrap.servers they would land in the worker's cluster, possibly appended to
 * a live topic of the same name there: the task stops after one record, saying which key to set.
 * With the override, the restore lands in the target cluster byte for byte, also when the failed
 * connector's own config is fixed in place: the record handed over to find out where records go is
 * not counted as restored until the target cluster holds it.
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
        produce(TOPIC, 20);
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

    /**
     * The scenario that lost records: the misdirected restore's one record is acknowledged (by the
     * worker's cluster) and Connect commits its source offset although the task fails. Partition 0
     * holds exactly that one record; fixing the same connector in place must still restore it.
     */
    @Test
    void aMisdirectedRestoreFixedInPlaceRestoresEveryRecord() throws Exception {
        String topic = "dest.single";
        String name = "dest-single-restore";
        Admin workerAdmin = KAFKA.connect().admin();
        workerAdmin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        SampleData.awaitLeaders(workerAdmin, List.of(topic));
        produce(topic, List.of(0, 1, 1, 1, 1, 1, 1));
        TopicSnapshot original = TopicSnapshot.read(KAFKA.bootstrapServers(), topic, TIMEOUT);
        assertEquals(1, original.partitions().get(0).size());
        Map<String, String> storage = ConnectorConfigs.filesystemStorage(storeRoot, "single");
        KAFKA.configure(ConnectorConfigs.backup("dest-single-backup", List.of(topic), storage));
        KAFKA.progress().awaitBackupCaughtUp("dest-single-backup", List.of(original), TIMEOUT);
        KAFKA.progress().deleteConnector("dest-single-backup", TIMEOUT);

        Map<String, String> config = ConnectorConfigs.restore(name, other.bootstrapServers(), storage);
        KAFKA.configure(config);
        String trace = KAFKA.progress().awaitTaskFailure(name, TIMEOUT);
        assertTrue(trace.contains("go to another cluster") && trace.contains("PUT /connectors/" + name + "/config")
                && trace.contains("not counted as restored"), trace);
        // Connect commits the acknowledged record's source offset although the task failed.
        Await.condition("the offset of the misdirected record to be committed", TIMEOUT,
                () -> KAFKA.restores().sourceOffsets(name).containsKey(topic + "-0"),
                () -> "no committed offset for " + topic + "-0");

        config.put("producer.override.bootstrap.servers", other.bootstrapServers());
        KAFKA.configure(config); // PUT /connectors/<name>/config: the same connector, fixed in place
        Await.condition("the fixed restore to complete " + topic + "-1", TIMEOUT, () -> {
            Map<String, ?> offset = KAFKA.restores().sourceOffsets(name).get(topic + "-1");
            return offset != null && Boolean.TRUE.equals(offset.get("complete"));
        }, () -> "no complete=true for " + topic + "-1");
        KAFKA.progress().failIfFailed(name);
        RecordComparison comparison = RecordComparison.compare(original,
                TopicSnapshot.read(other.bootstrapServers(), topic, TIMEOUT));
        assertTrue(comparison.matches(), comparison.toString());
        KAFKA.progress().deleteConnector(name, TIMEOUT);
    }

    /**
     * Fixed in place the other way, by pointing target.cluster.bootstrap.servers at the worker's
     * cluster: that cluster's live topic holds records the restore did not write (the misdirected
     * one counts for nothing there, it was checked against another cluster), so the restore refuses
     * it instead of appending the backup after the live records.
     */
    @Test
    void aMisdirectedRestoreRepointedInPlaceAtALiveTopicRefusesIt() throws Exception {
        String topic = "dest.live";
        String name = "dest-live-restore";
        Admin workerAdmin = KAFKA.connect().admin();
        workerAdmin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        SampleData.awaitLeaders(workerAdmin, List.of(topic));
        produce(topic, List.of(0, 0, 0, 0));
        TopicSnapshot original = TopicSnapshot.read(KAFKA.bootstrapServers(), topic, TIMEOUT);
        Map<String, String> storage = ConnectorConfigs.filesystemStorage(storeRoot, "live");
        KAFKA.configure(ConnectorConfigs.backup("dest-live-backup", List.of(topic), storage));
        KAFKA.progress().awaitBackupCaughtUp("dest-live-backup", List.of(original), TIMEOUT);
        KAFKA.progress().deleteConnector("dest-live-backup", TIMEOUT);

        Map<String, String> config = ConnectorConfigs.restore(name, other.bootstrapServers(), storage);
        KAFKA.configure(config);
        KAFKA.progress().awaitTaskFailure(name, TIMEOUT);
        Await.condition("the offset of the misdirected record to be committed", TIMEOUT,
                () -> KAFKA.restores().sourceOffsets(name).containsKey(topic + "-0"),
                () -> "no committed offset for " + topic + "-0");

        config.put("target.cluster.bootstrap.servers", KAFKA.bootstrapServers());
        KAFKA.configure(config);
        String failure = Await.result("connector " + name + " to refuse the live topic", TIMEOUT, () -> {
            try {
                KAFKA.progress().failIfFailed(name);
                return Optional.empty();
            } catch (ConnectorProgress.ConnectorFailedException e) {
                return e.getMessage().contains("go to another cluster") ? Optional.empty() : Optional.of(e.getMessage());
            }
        }, () -> "connector " + name + " has not refused " + topic);
        assertTrue(failure.contains("Target partition " + topic + "-0 already holds " + (original.recordCount() + 1)
                + " records that this restore of " + topic + " cannot account for"), failure);
        KAFKA.progress().deleteConnector(name, TIMEOUT);
        assertEquals(original.recordCount() + 1, TopicSnapshot.read(KAFKA.bootstrapServers(), topic, TIMEOUT)
                .recordCount(), "only the misdirected record was added to the live topic");
    }

    private static long restoredCount(String topic) {
        try {
            return TopicSnapshot.read(other.bootstrapServers(), topic, Duration.ofSeconds(10)).recordCount();
        } catch (RuntimeException e) {
            return 0; // the restore has not created the topic yet
        }
    }

    private static void produce(String topic, int count) {
        List<Integer> partitions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            partitions.add(i % 2);
        }
        produce(topic, partitions);
    }

    /** One record per element, into the partition it names. */
    private static void produce(String topic, List<Integer> partitions) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int i = 0; i < partitions.size(); i++) {
                producer.send(new ProducerRecord<>(topic, partitions.get(i), ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        ("value-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }
}
