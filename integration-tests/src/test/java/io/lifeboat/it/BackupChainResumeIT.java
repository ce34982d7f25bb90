package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.ConnectorProgress;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.OffsetGap;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.SegmentReader;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.StoredObject;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backup that starts again on a partition whose stored chain no longer matches the topic: the topic
 * was created again, with more records than the backup holds or with offsets that start below the
 * stored chain (the task fails and stores nothing of the new topic), or records were deleted before the backup read them (a gap object records the hole and
 * the backup goes on).
 */
class BackupChainResumeIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    Path root;

    @Test
    void aTopicCreatedAgainWithMoreRecordsStopsTheBackupInsteadOfJoiningTheOldChain() throws Exception {
        String topic = "incarnation.orders";
        TopicPartition tp = new TopicPartition(topic, 0);
        String backup = "incarnation-backup";
        createTopic(topic);
        produce(topic, "old-", 100);
        TopicSnapshot old = TopicSnapshot.read(KAFKA.bootstrapServers(), topic, TIMEOUT);
        Map<String, String> config = ConnectorConfigs.backup(backup, List.of(topic),
                ConnectorConfigs.filesystemStorage(root, "incarnation"));
        config.put("segment.max.records", "30");
        KAFKA.configure(config);
        KAFKA.progress().awaitBackupCaughtUp(backup, List.of(old), TIMEOUT);
        stop(backup);

        KAFKA.topics().deleteAndAwait(List.of(topic), TIMEOUT);
        createTopic(topic);
        produce(topic, "new-", 150);
        TopicSnapshot recreated = TopicSnapshot.read(KAFKA.bootstrapServers(), topic, TIMEOUT);
        // A running consumer keeps its position (100) across a quick delete and create; a stopped one's
        // committed offsets go with the deleted topic. Put the position back with Connect's offsets API.
        KAFKA.connect().cluster().alterSinkConnectorOffset(backup, tp, 100L);
        KAFKA.connect().cluster().resumeConnector(backup);

        ConnectorProgress.ConnectorFailedException failure = assertThrows(ConnectorProgress.ConnectorFailedException.class,
                () -> KAFKA.progress().awaitBackupCaughtUp(backup, List.of(recreated), TIMEOUT),
                "the backup must fail rather than append the new topic's records to the old chain");
        String message = failure.getMessage();
        assertTrue(message.contains("Offset 99 of " + tp), message);
        assertTrue(message.contains("incarnation/segments/" + topic + "/000000/00000000000000000090-00000000000000000099"),
                message);
        assertTrue(message.contains("deleted and created again"), message);
        assertTrue(message.contains("new storage.prefix"), message);

        BackupLayout layout = new BackupLayout("incarnation/");
        List<BackupRecord> stored = storedRecords(layout, tp);
        assertEquals(100, stored.size(), "the backup set holds the old topic only");
        for (BackupRecord r : stored) {
            assertTrue(new String(r.value(), StandardCharsets.UTF_8).startsWith("old-"), "record " + r.offset());
        }
        assertEquals(List.of(), keys(layout.gapsPrefix()));
        KAFKA.progress().deleteConnector(backup, TIMEOUT);
    }

    @Test
    void aTopicCreatedAgainIsRefusedWhenTheStoredChainStartsAfterOffsetZero() throws Exception {
        String topic = "retained.orders";
        TopicPartition tp = new TopicPartition(topic, 0);
        String backup = "retained-backup";
        createTopic(topic);
        produce(topic, "old-", 100);
        // Retention took offsets below 50 before the backup started: its chain is 50..99, with no predecessor.
        KAFKA.connect().admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(50))).all()
                .get(30, TimeUnit.SECONDS);
        TopicSnapshot old = TopicSnapshot.read(KAFKA.bootstrapServers(), topic, TIMEOUT);
        assertEquals(50, old.records(0).get(0).offset());
        Map<String, String> config = ConnectorConfigs.backup(backup, List.of(topic),
                ConnectorConfigs.filesystemStorage(root, "retained"));
        config.put("segment.max.records", "30");
        KAFKA.configure(config);
        KAFKA.progress().awaitBackupCaughtUp(backup, List.of(old), TIMEOUT);
        stop(backup);

        // The committed offsets go with the deleted topic: the consumer of the new topic starts at offset 0.
        KAFKA.topics().deleteAndAwait(List.of(topic), TIMEOUT);
        createTopic(topic);
        produce(topic, "new-", 30);
        TopicSnapshot recreated = TopicSnapshot.read(KAFKA.bootstrapServers(), topic, TIMEOUT);
        KAFKA.connect().cluster().resumeConnector(backup);

        ConnectorProgress.ConnectorFailedException failure = assertThrows(ConnectorProgress.ConnectorFailedException.class,
                () -> KAFKA.progress().awaitBackupCaughtUp(backup, List.of(recreated), TIMEOUT),
                "the backup must fail rather than store the new topic as a second chain beside the old one");
        String message = failure.getMessage();
        assertTrue(message.contains("Offset 0 of " + tp), message);
        assertTrue(message.contains("offsets 50..99"), message);
        assertTrue(message.contains("deleted and created again"), message);
        assertTrue(message.contains("new storage.prefix"), message);

        BackupLayout layout = new BackupLayout("retained/");
        List<BackupRecord> stored = storedRecords(layout, tp);
        assertEquals(50, stored.size(), "the backup set holds the old topic only");
        for (BackupRecord r : stored) {
            assertTrue(new String(r.value(), StandardCharsets.UTF_8).startsWith("old-"), "record " + r.offset());
        }
        assertEquals(List.of(), keys(layout.gapsPrefix()));
        KAFKA.progress().deleteConnector(backup, TIMEOUT);
    }

    @Test
    void recordsDeletedBeforeTheBackupReadThemAreRecordedAsAGapAndTheBackupGoesOn() throws Exception {
        String topic = "lagging.orders";
        TopicPartition tp = new TopicPartition(topic, 0);
        String backup = "lagging-backup";
        createTopic(topic);
        produce(topic, "first-", 100);
        TopicSnapshot first = TopicSnapshot.read(KAFKA.bootstrapServers(), topic, TIMEOUT);
        Map<String, String> config = ConnectorConfigs.backup(backup, List.of(topic),
                ConnectorConfigs.filesystemStorage(root, "lagging"));
        config.put("segment.max.records", "30");
        KAFKA.configure(config);
        KAFKA.progress().awaitBackupCaughtUp(backup, List.of(first), TIMEOUT);
        stop(backup);
        BackupLayout layout = new BackupLayout("lagging/");
        List<String> segmentsBefore = keys(layout.segmentsPrefix(tp));

        // While the backup is stopped, 100 more records come and retention deletes everything below 150.
        produce(topic, "second-", 100);
        KAFKA.connect().admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(150))).all()
                .get(30, TimeUnit.SECONDS);
        TopicSnapshot remaining = TopicSnapshot.read(KAFKA.bootstrapServers(), topic, TIMEOUT);
        assertEquals(150, remaining.records(0).get(0).offset());
        KAFKA.connect().cluster().resumeConnector(backup);
        KAFKA.progress().awaitBackupCaughtUp(backup, List.of(remaining), TIMEOUT);

        OffsetGap gap = new OffsetGap(tp, 100, 149);
        assertEquals(List.of(layout.gapKey(gap)), keys(layout.gapsPrefix()));
        String content = new String(new FilesystemObjectStore(root).open(layout.gapKey(gap)).readAllBytes(),
                StandardCharsets.UTF_8);
        assertTrue(content.contains("\"next_delivered_timestamp\":" + remaining.records(0).get(0).timestamp()), content);

        List<String> segmentsAfter = keys(layout.segmentsPrefix(tp));
        assertEquals(segmentsBefore, segmentsAfter.subList(0, segmentsBefore.size()), "the stored chain is unchanged");
        SegmentDescriptor afterGap = layout.parseSegmentKey(segmentsAfter.get(segmentsBefore.size())).orElseThrow();
        assertEquals(150, afterGap.firstOffset());
        assertEquals(99, afterGap.previousLastOffset(), "the segment after the hole follows the stored chain");
        List<Long> expected = new ArrayList<>();
        first.records(0).forEach(r -> expected.add(r.offset()));
        remaining.records(0).forEach(r -> expected.add(r.offset()));
        assertEquals(expected, storedRecords(layout, tp).stream().map(BackupRecord::offset).toList(),
                "every record that was in the topic is stored once, nothing else");
        KAFKA.progress().failIfFailed(backup);
        KAFKA.progress().deleteConnector(backup, TIMEOUT);
    }

    private void stop(String connector) throws InterruptedException {
        KAFKA.connect().cluster().stopConnector(connector);
        KAFKA.connect().cluster().assertions().assertConnectorIsStopped(connector, "the backup did not stop");
    }

    private void createTopic(String topic) throws Exception {
        KAFKA.connect().admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        SampleData.awaitLeaders(KAFKA.connect().admin(), List.of(topic));
    }

    private void produce(String topic, String valuePrefix, int count) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, (valuePrefix + i).getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private List<String> keys(String prefix) throws Exception {
        return new FilesystemObjectStore(root).list(prefix).stream().map(StoredObject::key).toList();
    }

    private List<BackupRecord> storedRecords(BackupLayout layout, TopicPartition tp) throws Exception {
        List<BackupRecord> out = new ArrayList<>();
        for (String key : keys(layout.segmentsPrefix(tp))) {
            SegmentDescriptor segment = layout.parseSegmentKey(key).orElseThrow();
            try (SegmentReader reader = SegmentReader.open(root.resolve(key), key, segment)) {
                for (BackupRecord r = reader.next(); r != null; r = reader.next()) {
                    out.add(r);
                }
            }
        }
        return out;
    }
}
