package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.ConnectorProgress;
import io.lifeboat.cli.RecordComparison;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.metadata.MetadataSnapshots;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.harness.Await;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Topics the restore creates get the settings the backup recorded (a metadata snapshot taken by the
 * backup connector with source.cluster.bootstrap.servers): a compacted topic with
 * min.compaction.lag.ms, a topic with retention.ms=-1 and max.message.bytes, restored into names
 * that do not exist, have those configs set on them, minus the configs that do not carry over
 * between clusters, plus restore.topic.configs; their records are the originals byte for byte. A
 * backed-up retention by size is refused before anything is created, with the override that fixes
 * it, and the same connector restores once given it. A config the target cluster rejects is named.
 */
class TopicSettingsIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String COMPACTED = "ts.compacted";
    private static final String KEPT = "ts.kept";
    private static final String SIZED = "ts.sized";
    private static final Map<String, Map<String, String>> SOURCE_CONFIGS = Map.of(
            COMPACTED, Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "3600000",
                    "follower.replication.throttled.replicas", "*"),
            KEPT, Map.of("retention.ms", "-1", "max.message.bytes", "2097152"),
            SIZED, Map.of("retention.bytes", "1048576"));

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    static Path storeRoot;

    private static Map<String, String> storage;
    private static final Map<String, TopicSnapshot> originals = new TreeMap<>();

    @BeforeAll
    static void backupWithMetadata() throws Exception {
        Admin admin = KAFKA.connect().admin();
        for (var topic : SOURCE_CONFIGS.entrySet()) {
            admin.createTopics(List.of(new NewTopic(topic.getKey(), 2, (short) 1).configs(topic.getValue()))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        SampleData.awaitLeaders(admin, SOURCE_CONFIGS.keySet());
        produce();
        for (String topic : SOURCE_CONFIGS.keySet()) {
            originals.put(topic, TopicSnapshot.read(KAFKA.bootstrapServers(), topic, TIMEOUT));
        }
        storage = ConnectorConfigs.filesystemStorage(storeRoot, "ts");
        Map<String, String> backup = ConnectorConfigs.backup("ts-backup", SOURCE_CONFIGS.keySet(), storage);
        backup.put("source.cluster.bootstrap.servers", KAFKA.bootstrapServers());
        backup.put("metadata.interval.ms", "1000");
        KAFKA.configure(backup);
        KAFKA.progress().awaitBackupCaughtUp("ts-backup", originals.values(), TIMEOUT);
        KAFKA.progress().deleteConnector("ts-backup", TIMEOUT);
        FilesystemObjectStore store = new FilesystemObjectStore(storeRoot);
        BackupLayout layout = new BackupLayout("ts/");
        Await.condition("a metadata snapshot describing " + SOURCE_CONFIGS.keySet(), TIMEOUT,
                () -> MetadataSnapshots.forTopics(store, layout, SOURCE_CONFIGS.keySet(), OptionalLong.empty()).size()
                        == SOURCE_CONFIGS.size(),
                () -> "no snapshot under " + layout.metadataPrefix() + " describes every topic");
    }

    private static void produce() {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (String topic : SOURCE_CONFIGS.keySet()) {
                for (int i = 0; i < 40; i++) {
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, i % 2, null,
                            bytes("key-" + (i % 5)), i % 7 == 6 ? null : bytes(topic + "-value-" + i),
                            List.of(new RecordHeader("h", bytes("v" + i)), new RecordHeader("h", null)));
                    producer.send(record);
                }
            }
            producer.flush();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void createdTopicsGetTheBackedUpConfigsAndTheOverrides() throws Exception {
        String name = "ts-restore";
        Map<String, String> config = ConnectorConfigs.restore(name, KAFKA.bootstrapServers(), storage);
        config.put("restore.topics", COMPACTED + "," + KEPT);
        config.put("restore.topic.mapping", COMPACTED + ":ts.compacted.r," + KEPT + ":ts.kept.r");
        config.put("restore.topic.configs", "max.message.bytes=3000000,segment.ms=86400000");
        config.put("restore.replication.factor", "1");
        KAFKA.configure(config);
        Map<String, String> renamed = Map.of(COMPACTED, "ts.compacted.r", KEPT, "ts.kept.r");
        KAFKA.restores().awaitComplete(name, List.of(originals.get(COMPACTED), originals.get(KEPT)), renamed, TIMEOUT);
        KAFKA.progress().failIfFailed(name);

        Map<String, String> compacted = topicConfigs("ts.compacted.r");
        assertEquals("compact", compacted.get("cleanup.policy"), compacted.toString());
        assertEquals("3600000", compacted.get("min.compaction.lag.ms"), compacted.toString());
        assertEquals("3000000", compacted.get("max.message.bytes"), "restore.topic.configs applies: " + compacted);
        assertEquals("86400000", compacted.get("segment.ms"), compacted.toString());
        assertFalse(compacted.containsKey("follower.replication.throttled.replicas"),
                "replica throttles do not carry over: " + compacted);
        Map<String, String> kept = topicConfigs("ts.kept.r");
        assertEquals(Map.of("retention.ms", "-1", "max.message.bytes", "3000000", "segment.ms", "86400000"), kept,
                "the backed-up retention.ms, max.message.bytes overridden by restore.topic.configs");
        for (String target : renamed.values()) {
            TopicDescription description = KAFKA.connect().admin().describeTopics(List.of(target)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(target);
            assertEquals(2, description.partitions().size(), target);
            assertEquals(1, description.partitions().get(0).replicas().size(), target);
        }
        for (var rename : renamed.entrySet()) {
            RecordComparison comparison = RecordComparison.compare(originals.get(rename.getKey()),
                    TopicSnapshot.read(KAFKA.bootstrapServers(), rename.getValue(), TIMEOUT));
            assertTrue(comparison.matches(), comparison.toString());
        }
        KAFKA.progress().deleteConnector(name, TIMEOUT);
    }

    @Test
    void aBackedUpRetentionBySizeIsRefusedUntilOverridden() throws Exception {
        String name = "ts-restore-sized";
        String target = "ts.sized.r";
        Map<String, String> config = ConnectorConfigs.restore(name, KAFKA.bootstrapServers(), storage);
        config.put("restore.topics", SIZED);
        config.put("restore.topic.mapping", SIZED + ":" + target);
        KAFKA.configure(config);
        String failure = awaitFailure(name);
        assertTrue(failure.contains("Target topic " + target + " would be created with retention.bytes=1048576")
                && failure.contains("restore.topic.configs=retention.bytes=-1"), failure);
        assertFalse(exists(target), "nothing was created");

        config.put("restore.topic.configs", "retention.bytes=-1");
        KAFKA.configure(config); // the same connector, fixed in place: Connect restarts it
        Await.condition("connector " + name + " to restart and create " + target, TIMEOUT, () -> {
            try {
                KAFKA.progress().failIfFailed(name);
                return exists(target);
            } catch (ConnectorProgress.ConnectorFailedException e) {
                return false; // the failure before the fix, until Connect restarts the connector
            }
        }, () -> "the connector has not restarted, or " + target + " does not exist");
        KAFKA.restores().awaitComplete(name, List.of(originals.get(SIZED)), Map.of(SIZED, target), TIMEOUT);
        assertEquals(Map.of("retention.bytes", "-1"), topicConfigs(target));
        RecordComparison comparison = RecordComparison.compare(originals.get(SIZED),
                TopicSnapshot.read(KAFKA.bootstrapServers(), target, TIMEOUT));
        assertTrue(comparison.matches(), comparison.toString());
        KAFKA.progress().deleteConnector(name, TIMEOUT);
    }

    @Test
    void aConfigTheTargetRejectsIsNamedWithWhereItCameFrom() throws Exception {
        String name = "ts-restore-bad";
        String target = "ts.kept.bad";
        Map<String, String> config = ConnectorConfigs.restore(name, KAFKA.bootstrapServers(), storage);
        config.put("restore.topics", KEPT);
        config.put("restore.topic.mapping", KEPT + ":" + target);
        config.put("restore.topic.configs", "segment.bytes=lots");
        KAFKA.configure(config);
        String failure = awaitFailure(name);
        assertTrue(failure.contains("refuses to create topic " + target + " with topic config segment.bytes=lots "
                + "(from restore.topic.configs)") && failure.contains("restore.topic.configs=<name>="), failure);
        assertFalse(exists(target), "nothing was created");
        KAFKA.progress().deleteConnector(name, TIMEOUT);
    }

    private static String awaitFailure(String name) throws Exception {
        return Await.result("connector " + name + " to fail", TIMEOUT, () -> {
            try {
                KAFKA.progress().failIfFailed(name);
                return Optional.empty();
            } catch (ConnectorProgress.ConnectorFailedException e) {
                return Optional.of(e.getMessage());
            }
        }, () -> "connector " + name + " has not failed");
    }

    private static boolean exists(String topic) throws Exception {
        return KAFKA.connect().admin().listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
    }

    /** The configs set on the topic itself (not broker defaults). */
    private static Map<String, String> topicConfigs(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = KAFKA.connect().admin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                .get(resource);
        Map<String, String> set = new TreeMap<>();
        for (ConfigEntry entry : config.entries()) {
            if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                set.put(entry.name(), entry.value());
            }
        }
        return set;
    }
}
