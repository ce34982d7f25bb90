package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.ConnectorProgress;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.harness.Await;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pre-created target topic whose configs would remove restored records after the restore
 * reports success (a retention by size, compaction) stops the restore connector at its start,
 * before any record is written, with a message that names the topic, the config and the fix.
 */
class TargetTopicConfigIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String TOPIC = "cfg.orders";

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    static Path storeRoot;

    private static Map<String, String> storage;

    @BeforeAll
    static void backupSet() throws Exception {
        Admin admin = KAFKA.connect().admin();
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        SampleData.awaitLeaders(admin, List.of(TOPIC));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, "same-key".getBytes(StandardCharsets.UTF_8),
                        ("value-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        TopicSnapshot original = TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC, TIMEOUT);
        storage = ConnectorConfigs.filesystemStorage(storeRoot, "cfg");
        KAFKA.configure(ConnectorConfigs.backup("cfg-backup", List.of(TOPIC), storage));
        KAFKA.progress().awaitBackupCaughtUp("cfg-backup", List.of(original), TIMEOUT);
        KAFKA.progress().deleteConnector("cfg-backup", TIMEOUT);
    }

    @Test
    void aRetentionBySizeIsRefused() throws Exception {
        String failure = restoreInto("cfg.bytes", Map.of("retention.bytes", "1048576"));
        assertTrue(failure.contains("Target topic cfg.bytes has retention.bytes=1048576")
                && failure.contains("Set retention.bytes=-1 on cfg.bytes"), failure);
    }

    @Test
    void compactionIsRefused() throws Exception {
        String failure = restoreInto("cfg.compact", Map.of("cleanup.policy", "compact"));
        assertTrue(failure.contains("Target topic cfg.compact has cleanup.policy=compact")
                && failure.contains("Set cleanup.policy=delete on cfg.compact"), failure);
    }

    @Test
    void compactionNextToDeletionIsRefused() throws Exception {
        String failure = restoreInto("cfg.both", Map.of("cleanup.policy", "compact,delete"));
        assertTrue(failure.contains("Target topic cfg.both has cleanup.policy=compact,delete"), failure);
    }

    /** Restores into a pre-created topic with {@code configs}; returns the connector's failure. */
    private static String restoreInto(String target, Map<String, String> configs) throws Exception {
        Admin admin = KAFKA.connect().admin();
        admin.createTopics(List.of(new NewTopic(target, 1, (short) 1).configs(configs))).all()
                .get(30, TimeUnit.SECONDS);
        String name = "restore-" + target.replace('.', '-');
        Map<String, String> config = ConnectorConfigs.restore(name, KAFKA.bootstrapServers(), storage);
        config.put("restore.topic.mapping", TOPIC + ":" + target);
        KAFKA.configure(config);
        String failure = Await.result("connector " + name + " to fail", TIMEOUT, () -> {
            try {
                KAFKA.progress().failIfFailed(name);
                return Optional.empty();
            } catch (ConnectorProgress.ConnectorFailedException e) {
                return Optional.of(e.getMessage());
            }
        }, () -> "connector " + name + " has not failed");
        KAFKA.progress().deleteConnector(name, TIMEOUT);
        TopicPartition tp = new TopicPartition(target, 0);
        assertEquals(0, admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                .get(30, TimeUnit.SECONDS).offset(), "no record was written to " + target);
        return failure;
    }
}
