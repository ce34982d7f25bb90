package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.harness.Await;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The walkthrough of the README: a backup records metadata while consumers work; a bad deploy then
 * writes garbage, which the consumers read and commit. A restore with {@code restore.end.time} just
 * before the deploy, into a renamed topic, holds exactly the records before it, and every group
 * resumes where it was at the last snapshot before it: at the record it would have read next, not
 * past the garbage. A group that first committed after the end time is not touched.
 */
class ConsumerGroupPointInTimeIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String TOPIC = "deploy.orders";
    private static final String RESTORED = "deploy.orders_before_deploy";
    private static final String WINDOW = "deploy.orders_window";
    private static final Pattern SNAPSHOT = Pattern.compile("(\\d{20})_.*\\.json");

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    Path root;

    @Test
    void groupsResumeWhereTheyWereJustBeforeTheBadDeploy() throws Exception {
        Admin admin = KAFKA.connect().admin();
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        SampleData.awaitLeaders(admin, List.of(TOPIC));
        produce("good", 0, 10);
        Thread.sleep(5);
        long secondHalf = System.currentTimeMillis(); // the start of a window: offsets 10.. of each partition
        Thread.sleep(5);
        produce("good", 10, 10);
        TopicPartition p0 = new TopicPartition(TOPIC, 0);
        TopicPartition p1 = new TopicPartition(TOPIC, 1);
        commit(admin, "g-billing", Map.of(p0, 12L, p1, 20L));
        commit(admin, "g-audit", Map.of(p0, 0L, p1, 7L));
        long committedAt = System.currentTimeMillis();

        Map<String, String> storage = ConnectorConfigs.filesystemStorage(root, "deploy");
        Map<String, String> backup = ConnectorConfigs.backup("deploy-backup", List.of(TOPIC), storage);
        backup.put("source.cluster.bootstrap.servers", KAFKA.bootstrapServers());
        backup.put("metadata.interval.ms", "1000");
        KAFKA.configure(backup);
        awaitSnapshotAfter(committedAt);
        long badDeploy = System.currentTimeMillis() + 1;
        Thread.sleep(5); // every later record and commit is after the end time

        produce("garbage", 0, 10); // the bad deploy; its consumers read it and commit
        commit(admin, "g-billing", Map.of(p0, 30L, p1, 30L));
        commit(admin, "g-audit", Map.of(p0, 25L, p1, 30L));
        commit(admin, "g-new", Map.of(p0, 5L));
        List<TopicSnapshot> originals = List.of(TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC, TIMEOUT));
        KAFKA.progress().awaitBackupCaughtUp("deploy-backup", originals, TIMEOUT);
        awaitSnapshotAfter(System.currentTimeMillis()); // the backup recorded the garbage's offsets too
        KAFKA.progress().deleteConnector("deploy-backup", TIMEOUT);

        Map<String, String> restore = ConnectorConfigs.restore("deploy-restore", KAFKA.bootstrapServers(), storage);
        restore.put("restore.end.time", Instant.ofEpochMilli(badDeploy).toString());
        restore.put("restore.topic.mapping", TOPIC + ":" + RESTORED);
        restore.put("restore.consumer.groups", "g-.*");
        KAFKA.configure(restore);

        Map<TopicPartition, OffsetAndMetadata> billing = awaitCommitted(admin, "g-billing", RESTORED, "deploy-restore");
        Map<TopicPartition, OffsetAndMetadata> audit = awaitCommitted(admin, "g-audit", RESTORED, "deploy-restore");
        TopicSnapshot restored = TopicSnapshot.read(KAFKA.bootstrapServers(), RESTORED, TIMEOUT);
        for (int p = 0; p < 2; p++) {
            assertEquals(20, restored.records(p).size(), "partition " + p + " holds exactly the records before the deploy");
            assertTrue(restored.records(p).stream().allMatch(r -> new String(r.value(), StandardCharsets.UTF_8)
                    .startsWith("good")), "no garbage in partition " + p);
        }
        assertFirstRead(billing, RESTORED, 0, "good-0-12");
        assertFirstRead(billing, RESTORED, 1, null); // it had read everything before the deploy
        assertFirstRead(audit, RESTORED, 0, "good-0-0");
        assertFirstRead(audit, RESTORED, 1, "good-1-7");
        Map<TopicPartition, OffsetAndMetadata> untouched = admin.listConsumerGroupOffsets("g-new")
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        assertFalse(untouched.keySet().stream().anyMatch(tp -> tp.topic().equals(RESTORED)),
                "g-new committed only after the end time, so no snapshot before it knows it: " + untouched);
        KAFKA.progress().deleteConnector("deploy-restore", TIMEOUT);

        // A window [start, end): a group before the first restored record starts at it.
        restore.put("name", "window-restore");
        restore.put("restore.start.time", Instant.ofEpochMilli(secondHalf).toString());
        restore.put("restore.topic.mapping", TOPIC + ":" + WINDOW);
        restore.put("restore.consumer.groups", "g-audit");
        KAFKA.configure(restore);
        Map<TopicPartition, OffsetAndMetadata> auditInWindow = awaitCommitted(admin, "g-audit", WINDOW, "window-restore");
        assertEquals(10, TopicSnapshot.read(KAFKA.bootstrapServers(), WINDOW, TIMEOUT).records(0).size());
        assertFirstRead(auditInWindow, WINDOW, 0, "good-0-10"); // committed at 0, before the window
        assertFirstRead(auditInWindow, WINDOW, 1, "good-1-10"); // committed at 7, before the window
        KAFKA.progress().deleteConnector("window-restore", TIMEOUT);
    }

    private static void assertFirstRead(Map<TopicPartition, OffsetAndMetadata> committed, String topic, int partition,
                                        String expectedValue) {
        TopicPartition tp = new TopicPartition(topic, partition);
        var first = ConsumerGroupRestoreScenario.firstRecordFrom(KAFKA.bootstrapServers(), tp,
                committed.get(tp).offset());
        if (expectedValue == null) {
            assertTrue(first.isEmpty(), tp + " should read nothing, reads " + first);
        } else {
            assertTrue(first.isPresent(), tp + " reads nothing, expected " + expectedValue);
            assertEquals(expectedValue, new String(first.get().value(), StandardCharsets.UTF_8), tp.toString());
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> awaitCommitted(Admin admin, String group, String topic,
                                                                        String restore) throws Exception {
        int partitions = 2;
        Map<TopicPartition, OffsetAndMetadata> onRestored = new HashMap<>();
        Await.condition(group + " to be committed on " + topic, TIMEOUT, () -> {
            KAFKA.progress().failIfFailed(restore);
            onRestored.clear();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .forEach((tp, offset) -> {
                        if (tp.topic().equals(topic)) {
                            onRestored.put(tp, offset);
                        }
                    });
            return onRestored.size() == partitions;
        }, () -> "committed: " + onRestored);
        return onRestored;
    }

    private static void commit(Admin admin, String group, Map<TopicPartition, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
        admin.alterConsumerGroupOffsets(group, commit).all().get(30, TimeUnit.SECONDS);
    }

    /** Records valued {@code <label>-<partition>-<index>} for indexes from {@code first}, timestamped now. */
    private static void produce(String label, int first, int perPartition) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (int p = 0; p < 2; p++) {
                for (int i = first; i < first + perPartition; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, p, System.currentTimeMillis(),
                            (label + i).getBytes(StandardCharsets.UTF_8),
                            (label + "-" + p + "-" + i).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Waits for a metadata snapshot taken after {@code time} in the backup set. */
    private void awaitSnapshotAfter(long time) throws Exception {
        Path folder = root.resolve("deploy").resolve("metadata");
        Await.condition("a metadata snapshot taken after " + Instant.ofEpochMilli(time), TIMEOUT,
                () -> newestSnapshot(folder) > time, () -> "newest: " + newestSnapshotOrError(folder));
    }

    private static String newestSnapshotOrError(Path folder) {
        try {
            return Long.toString(newestSnapshot(folder));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static long newestSnapshot(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return -1;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.map(f -> SNAPSHOT.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .mapToLong(m -> Long.parseLong(m.group(1))).max().orElse(-1);
        }
    }
}
