package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.Main;
import io.lifeboat.cli.RecordComparison;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.cli.TopicSnapshot.SnapshotRecord;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.segment.CorruptSegmentException;
import io.lifeboat.core.segment.SegmentReader;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.StoredObject;
import io.lifeboat.harness.Await;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restore that meets a damaged segment stops: its task FAILS with a message naming the object key,
 * the records of the segments before it are restored, and no record at or after the damaged
 * segment's first offset reaches the target topic. The same holds when the newest segment of a
 * partition is gone (no successor names it; the backup's high-water marks do).
 */
class CorruptSegmentIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String TOPIC = "corrupt.source";
    private static final String RESTORED = "corrupt.restored";
    private static final String PREFIX = "damaged";

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    static Path storeRoot;

    @Test
    void restoreFailsOnADamagedSegmentAndWritesNothingFromItOn() throws Exception {
        KAFKA.writeRecords(TOPIC, 1, 60, 2_000);
        TopicSnapshot original = TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC, TIMEOUT);
        Map<String, String> storage = ConnectorConfigs.filesystemStorage(storeRoot, PREFIX);
        Map<String, String> backup = ConnectorConfigs.backup("corrupt-backup", List.of(TOPIC), storage);
        backup.put("segment.max.records", "10");
        KAFKA.configure(backup);
        KAFKA.progress().awaitBackupCaughtUp("corrupt-backup", List.of(original), TIMEOUT);
        KAFKA.progress().deleteConnector("corrupt-backup", TIMEOUT);

        List<SegmentDescriptor> segments = segments(PREFIX, TOPIC);
        assertTrue(segments.size() >= 3, "the backup should have written several segments: " + segments);
        SegmentDescriptor damaged = segments.get(segments.size() / 2);
        String key = new BackupLayout(PREFIX + "/").segmentKey(damaged);
        Path file = storeRoot.resolve(key);
        SegmentDamage.flipByteInData(file, key);
        assertThrows(CorruptSegmentException.class, () -> SegmentReader.open(file, key, damaged).close(),
                "the damage must be detectable");

        Map<String, String> restore = ConnectorConfigs.restore("corrupt-restore", KAFKA.bootstrapServers(), storage);
        restore.put("restore.topic.mapping", TOPIC + ":" + RESTORED);
        KAFKA.configure(restore);
        try {
            String trace = KAFKA.progress().awaitTaskFailure("corrupt-restore", TIMEOUT);
            assertTrue(trace.contains(key), "the failure does not name the object key " + key + ":\n" + trace);

            List<SnapshotRecord> before = original.records(0).stream()
                    .filter(r -> r.offset() < damaged.firstOffset()).toList();
            Await.condition("the records before the damaged segment to be restored", TIMEOUT,
                    () -> restoredCount() >= before.size(),
                    () -> "fewer than " + before.size() + " records in " + RESTORED);
            TopicSnapshot restored = TopicSnapshot.read(KAFKA.bootstrapServers(), RESTORED, TIMEOUT);
            assertEquals(before.size(), restored.recordCount(), "records restored: exactly those before offset "
                    + damaged.firstOffset() + " (the damaged segment's first)");
            TopicSnapshot expected = new TopicSnapshot(TOPIC, Map.of(0, before));
            RecordComparison comparison = RecordComparison.compare(expected, restored);
            assertTrue(comparison.matches(), comparison.toString());
        } finally {
            KAFKA.progress().deleteConnector("corrupt-restore", TIMEOUT);
        }
    }

    @Test
    void restoreFailsWhenTheNewestSegmentIsGone() throws Exception {
        String topic = "newest.source";
        String restoredTopic = "newest.restored";
        KAFKA.writeRecords(topic, 1, 35, 2_000);
        TopicSnapshot original = TopicSnapshot.read(KAFKA.bootstrapServers(), topic, TIMEOUT);
        Map<String, String> storage = ConnectorConfigs.filesystemStorage(storeRoot, "newest");
        Map<String, String> backup = ConnectorConfigs.backup("newest-backup", List.of(topic), storage);
        backup.put("segment.max.records", "10");
        backup.put("segment.max.age.ms", "1000");
        KAFKA.configure(backup);
        KAFKA.progress().awaitBackupCaughtUp("newest-backup", List.of(original), TIMEOUT);
        KAFKA.progress().deleteConnector("newest-backup", TIMEOUT);

        List<SegmentDescriptor> segments = segments("newest", topic);
        SegmentDescriptor newest = segments.get(segments.size() - 1);
        assertEquals(34, newest.lastOffset(), "segments: " + segments);
        Files.delete(storeRoot.resolve(new BackupLayout("newest/").segmentKey(newest)));
        ByteArrayOutputStream verifyOut = new ByteArrayOutputStream();
        PrintStream verifyStream = new PrintStream(verifyOut, true, StandardCharsets.UTF_8);
        int verified = Main.run(new String[] {"verify", "--root", storeRoot.toString(), "--prefix", "newest", "--quiet"},
                verifyStream, verifyStream);
        String verifyText = verifyOut.toString(StandardCharsets.UTF_8);
        assertEquals(1, verified, verifyText);
        assertTrue(verifyText.contains("MISSING  " + topic + "-0: "), verifyText);

        Map<String, String> restore = ConnectorConfigs.restore("newest-restore", KAFKA.bootstrapServers(), storage);
        restore.put("restore.topic.mapping", topic + ":" + restoredTopic);
        KAFKA.configure(restore);
        try {
            String trace = KAFKA.progress().awaitTaskFailure("newest-restore", TIMEOUT);
            assertTrue(trace.contains("missing its newest segments"), trace);
            assertTrue(trace.contains("from offset " + newest.firstOffset() + " to 34"), trace);
            Await.condition("the records before the deleted segment to be restored", TIMEOUT,
                    () -> restoredCount(restoredTopic) >= newest.firstOffset(),
                    () -> "fewer than " + newest.firstOffset() + " records in " + restoredTopic);
            TopicSnapshot restored = TopicSnapshot.read(KAFKA.bootstrapServers(), restoredTopic, TIMEOUT);
            List<SnapshotRecord> before = original.records(0).stream()
                    .filter(r -> r.offset() < newest.firstOffset()).toList();
            RecordComparison comparison = RecordComparison.compare(new TopicSnapshot(topic, Map.of(0, before)), restored);
            assertTrue(comparison.matches(), comparison.toString());
        } finally {
            KAFKA.progress().deleteConnector("newest-restore", TIMEOUT);
        }
    }

    private static long restoredCount() {
        return restoredCount(RESTORED);
    }

    private static long restoredCount(String topic) {
        try {
            return TopicSnapshot.read(KAFKA.bootstrapServers(), topic, Duration.ofSeconds(10)).recordCount();
        } catch (RuntimeException e) {
            return 0; // the restore has not created the topic
        }
    }

    private static List<SegmentDescriptor> segments(String prefix, String topic) throws Exception {
        BackupLayout layout = new BackupLayout(prefix + "/");
        try (FilesystemObjectStore store = new FilesystemObjectStore(storeRoot)) {
            return store.list(layout.segmentsPrefix(new TopicPartition(topic, 0))).stream()
                    .map(StoredObject::key).map(layout::parseSegmentKey)
                    .flatMap(java.util.Optional::stream).toList();
        }
    }
}
