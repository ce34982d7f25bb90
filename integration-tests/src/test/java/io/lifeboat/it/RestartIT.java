package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.RecordComparison;
import io.lifeboat.cli.RestoreWatch;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.StoredObject;
import io.lifeboat.harness.EmbeddedKafkaConnect;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restarts in the middle of a backup and after a restore: the backup set holds every record exactly
 * once (no two segments of a partition overlap), and a restarted restore writes nothing twice.
 */
class RestartIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String TOPIC = "restart.orders";
    private static final int PARTITIONS = 4;

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    Path root;

    @Test
    void restartsLoseNothingAndDuplicateNothing() throws Exception {
        Map<String, String> storage = ConnectorConfigs.filesystemStorage(root, "restart");
        KAFKA.connect().admin().createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        SampleData.awaitLeaders(KAFKA.connect().admin(), List.of(TOPIC));
        produce(0, 2_000);
        TopicSnapshot first = TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC, TIMEOUT);

        String backup = "restart-backup";
        Map<String, String> backupConfig = ConnectorConfigs.backup(backup, List.of(TOPIC), storage);
        backupConfig.put("segment.max.records", "150");
        backupConfig.put("segment.max.age.ms", "3000");
        KAFKA.configure(backupConfig);
        KAFKA.progress().awaitBackupCaughtUp(backup, List.of(first), TIMEOUT);

        produce(2_000, 2_000);
        Thread.sleep(500); // the backup is now part-way through the new records, some of them spooled
        KAFKA.connect().cluster().restartConnectorAndTasks(backup, false, true, false);
        TopicSnapshot original = TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC, TIMEOUT);
        KAFKA.progress().awaitBackupCaughtUp(backup, List.of(original), TIMEOUT);
        KAFKA.progress().deleteConnector(backup, TIMEOUT);
        assertNoOverlappingSegments(original);

        KAFKA.topics().deleteAndAwait(List.of(TOPIC), TIMEOUT);
        String restore = "restart-restore";
        Map<String, String> restoreConfig = ConnectorConfigs.restore(restore, KAFKA.bootstrapServers(), storage);
        restoreConfig.put("restore.batch.size", "100");
        KAFKA.configure(restoreConfig);
        assertEquals(RestoreWatch.Completion.SOURCE_OFFSETS,
                KAFKA.restores().awaitComplete(restore, List.of(original), TIMEOUT));
        assertTrue(RecordComparison.compare(original, TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC, TIMEOUT))
                .matches());

        KAFKA.connect().cluster().restartConnectorAndTasks(restore, false, true, false);
        KAFKA.progress().awaitRunning(restore, TIMEOUT);
        Thread.sleep(3 * EmbeddedKafkaConnect.OFFSET_FLUSH_INTERVAL_MS);
        RecordComparison afterRestart = RecordComparison.compare(original,
                TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC, TIMEOUT));
        assertTrue(afterRestart.matches(), "a restarted, complete restore wrote again: " + afterRestart);
        KAFKA.progress().deleteConnector(restore, TIMEOUT);

        // Another restore (no progress of its own) into the now non-empty topic must refuse to append.
        Map<String, String> second = ConnectorConfigs.restore("restart-restore-again", KAFKA.bootstrapServers(), storage);
        KAFKA.configure(second);
        String trace = awaitConnectorFailure("restart-restore-again");
        assertTrue(trace.contains("already holds"), trace);
        assertTrue(RecordComparison.compare(original, TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC, TIMEOUT))
                .matches(), "the refused restore wrote nothing");
        KAFKA.progress().deleteConnector("restart-restore-again", TIMEOUT);
    }

    private String awaitConnectorFailure(String name) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
        while (System.currentTimeMillis() < deadline) {
            try {
                var status = KAFKA.connect().cluster().connectorStatus(name);
                if ("FAILED".equals(status.connector().state())) {
                    return status.connector().trace();
                }
            } catch (RuntimeException e) {
                // not created yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("connector " + name + " did not fail within " + TIMEOUT);
    }

    private void produce(int from, int count) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        ("value-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** Every record of the topic is in exactly one segment: segments neither overlap nor leave gaps. */
    private void assertNoOverlappingSegments(TopicSnapshot original) throws Exception {
        BackupLayout layout = new BackupLayout("restart/");
        Map<Integer, List<SegmentDescriptor>> byPartition = new HashMap<>();
        for (StoredObject object : new FilesystemObjectStore(root).list(layout.prefix() + BackupLayout.SEGMENTS)) {
            SegmentDescriptor segment = layout.parseSegmentKey(object.key()).orElseThrow();
            byPartition.computeIfAbsent(segment.partition(), p -> new ArrayList<>()).add(segment);
        }
        for (int p = 0; p < PARTITIONS; p++) {
            List<SegmentDescriptor> segments = byPartition.getOrDefault(p, List.of());
            segments.sort(Comparator.comparingLong(SegmentDescriptor::firstOffset));
            long expectedFirst = 0;
            for (SegmentDescriptor segment : segments) {
                assertEquals(expectedFirst, segment.firstOffset(), "partition " + p + " segments " + segments);
                expectedFirst = segment.lastOffset() + 1;
            }
            assertEquals(original.records(p).size(), expectedFirst, "records of partition " + p + " in the backup");
        }
    }
}
