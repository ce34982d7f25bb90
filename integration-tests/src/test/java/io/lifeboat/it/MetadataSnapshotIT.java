package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.ListCommand;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.cli.VerifyCommand;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SnapshotKey;
import io.lifeboat.core.metadata.MetadataSnapshot;
import io.lifeboat.core.metadata.MetadataSnapshot.CommittedOffset;
import io.lifeboat.core.metadata.MetadataSnapshot.GroupOffsets;
import io.lifeboat.core.metadata.MetadataSnapshot.TopicMetadata;
import io.lifeboat.core.metadata.MetadataSnapshots;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.harness.Await;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backup with source.cluster.bootstrap.servers records metadata snapshots: the backed-up topics' ids
 * (Admin's), partition counts and exactly the configs set on them, the committed offsets of every
 * consumer group on them (a classic group with offsets only, a "consumer"-protocol group with a metadata
 * string), not a group of another topic and not the backup's own group; deleting the connector writes a
 * final snapshot.
 */
class MetadataSnapshotIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String COMPACTED = "meta.compacted";
    private static final String KEPT = "meta.kept";
    private static final String OTHER = "meta.other";
    private static final String BACKUP = "meta-backup";

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    Path root;

    @Test
    void snapshotsHoldTopicIdsSetConfigsAndGroupOffsetsAndAFinalOneIsWrittenAtStop() throws Exception {
        Admin admin = KAFKA.connect().admin();
        admin.createTopics(List.of(
                new NewTopic(COMPACTED, 2, (short) 1).configs(Map.of("cleanup.policy", "compact",
                        "min.compaction.lag.ms", "60000")),
                new NewTopic(KEPT, 3, (short) 1).configs(Map.of("retention.ms", "-1", "max.message.bytes", "2000000")),
                new NewTopic(OTHER, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        SampleData.awaitLeaders(admin, List.of(COMPACTED, KEPT, OTHER));
        for (int i = 0; i < 30; i++) {
            KAFKA.connect().cluster().kafka().produce(COMPACTED, i % 2, "key-" + (i % 7), "value-" + i);
            KAFKA.connect().cluster().kafka().produce(KEPT, i % 3, "key-" + i, "value-" + i);
            KAFKA.connect().cluster().kafka().produce(OTHER, 0, "key-" + i, "value-" + i);
        }
        admin.alterConsumerGroupOffsets("billing", Map.of(
                new TopicPartition(COMPACTED, 0), new OffsetAndMetadata(3),
                new TopicPartition(COMPACTED, 1), new OffsetAndMetadata(15),
                new TopicPartition(KEPT, 2), new OffsetAndMetadata(0),
                new TopicPartition(OTHER, 0), new OffsetAndMetadata(9))).all().get(30, TimeUnit.SECONDS);
        admin.alterConsumerGroupOffsets("elsewhere", Map.of(new TopicPartition(OTHER, 0), new OffsetAndMetadata(4)))
                .all().get(30, TimeUnit.SECONDS);
        commitAsConsumerProtocolMember("audit", new TopicPartition(KEPT, 1), 7, "audited up to 6");

        Map<String, String> config = ConnectorConfigs.backup(BACKUP, List.of(COMPACTED, KEPT),
                ConnectorConfigs.filesystemStorage(root, "meta"));
        config.put("source.cluster.bootstrap.servers", KAFKA.bootstrapServers());
        config.put("metadata.interval.ms", "2000");
        KAFKA.configure(config);
        KAFKA.progress().awaitBackupCaughtUp(BACKUP, List.of(TopicSnapshot.read(KAFKA.bootstrapServers(), COMPACTED, TIMEOUT),
                TopicSnapshot.read(KAFKA.bootstrapServers(), KEPT, TIMEOUT)), TIMEOUT);

        BackupLayout layout = new BackupLayout("meta/");
        try (ObjectStore store = new FilesystemObjectStore(root)) {
            // the backup group has committed by now; wait for a snapshot taken after that
            long caughtUp = System.currentTimeMillis();
            MetadataSnapshot snapshot = Await.result("a metadata snapshot taken after the backup caught up", TIMEOUT,
                    () -> newest(store, layout).filter(s -> s.takenAt() > caughtUp), () -> "none yet");

            assertEquals(BACKUP, snapshot.connector());
            assertFalse(snapshot.last());
            assertEquals(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS), snapshot.sourceClusterId());
            assertEquals(Set.of(COMPACTED, KEPT), snapshot.topics().keySet(), "the backed-up topics only");
            Map<String, TopicDescription> described = admin.describeTopics(List.of(COMPACTED, KEPT)).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            assertEquals(new TopicMetadata(described.get(COMPACTED).topicId().toString(), 2, 1,
                    Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000"), Map.of(0, 15L, 1, 15L)),
                    snapshot.topics().get(COMPACTED));
            assertEquals(new TopicMetadata(described.get(KEPT).topicId().toString(), 3, 1,
                    Map.of("retention.ms", "-1", "max.message.bytes", "2000000"), Map.of(0, 10L, 1, 10L, 2, 10L)),
                    snapshot.topics().get(KEPT));

            assertEquals(Set.of("billing", "audit"), snapshot.groups().keySet(),
                    "not 'elsewhere' (another topic only), not connect-" + BACKUP + " (the backup's own group)");
            assertEquals(Map.of(new TopicPartition(COMPACTED, 0), new CommittedOffset(3, ""),
                    new TopicPartition(COMPACTED, 1), new CommittedOffset(15, ""),
                    new TopicPartition(KEPT, 2), new CommittedOffset(0, "")), snapshot.groups().get("billing").offsets());
            GroupOffsets audit = snapshot.groups().get("audit");
            assertEquals(Map.of(new TopicPartition(KEPT, 1), new CommittedOffset(7, "audited up to 6")), audit.offsets());
            assertEquals("Empty", audit.state());
            assertEquals("Empty", snapshot.groups().get("billing").state());

            KAFKA.progress().deleteConnector(BACKUP, TIMEOUT);
            MetadataSnapshot last = Await.result("the final snapshot of the deleted connector", TIMEOUT,
                    () -> newest(store, layout).filter(MetadataSnapshot::last), () -> "none yet");
            assertTrue(last.takenAt() >= snapshot.takenAt());
            assertEquals(snapshot.topics(), last.topics());
            assertEquals(snapshot.groups(), last.groups());

            ByteArrayOutputStream listed = new ByteArrayOutputStream();
            assertEquals(0, ListCommand.list(store, layout, new PrintStream(listed, true, StandardCharsets.UTF_8)));
            String listing = listed.toString(StandardCharsets.UTF_8);
            assertTrue(listing.contains("metadata: newest snapshot taken " + Instant.ofEpochMilli(last.takenAt())),
                    listing);
            assertTrue(listing.contains("when connector " + BACKUP + " stopped): 2 topics [" + COMPACTED + ", " + KEPT
                    + "], 2 consumer groups [audit, billing]"), listing);
            ByteArrayOutputStream verified = new ByteArrayOutputStream();
            int exit = VerifyCommand.verify(store, layout, true, new PrintStream(verified, true, StandardCharsets.UTF_8));
            String verify = verified.toString(StandardCharsets.UTF_8);
            assertEquals(0, exit, verify);
            assertTrue(verify.contains("METADATA meta/metadata/"), verify);
            assertFalse(verify.contains("STRAY"), verify);
        }
    }

    private static Optional<MetadataSnapshot> newest(ObjectStore store, BackupLayout layout) throws Exception {
        Optional<SnapshotKey> key = MetadataSnapshots.newest(store, layout);
        return key.isPresent() ? Optional.of(MetadataSnapshots.read(store, key.get())) : Optional.empty();
    }

    /** Joins {@code group} with the new consumer protocol (KIP-848), commits one offset, and leaves. */
    private static void commitAsConsumerProtocolMember(String group, TopicPartition tp, long offset, String metadata)
            throws Exception {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(tp.topic()));
            Await.condition("consumer of group " + group + " to get its partitions", TIMEOUT, () -> {
                consumer.poll(Duration.ofMillis(200));
                return consumer.assignment().contains(tp);
            }, () -> "assigned " + consumer.assignment());
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset, metadata)));
        }
    }
}
