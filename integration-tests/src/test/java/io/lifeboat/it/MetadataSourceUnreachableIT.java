package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SnapshotKey;
import io.lifeboat.core.metadata.MetadataSnapshot;
import io.lifeboat.core.metadata.MetadataSnapshots;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.harness.Await;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The source cluster's admin API becomes unreachable for a while: source.cluster.bootstrap.servers points
 * at a TCP forwarder that is closed and opened again (only bootstrap goes through it; later connections
 * use the broker's advertised address, which is why each attempt creates its own admin client). While
 * it is closed, snapshots fail with a WARN and records keep being backed up; once it is open again,
 * snapshots resume.
 */
class MetadataSourceUnreachableIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String TOPIC = "unreachable.orders";
    private static final String BACKUP = "unreachable-backup";

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    Path root;

    @Test
    void snapshotsFailWhileTheSourceIsUnreachableRecordsAreStillBackedUpAndSnapshotsResume() throws Exception {
        KAFKA.connect().admin().createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        SampleData.awaitLeaders(KAFKA.connect().admin(), List.of(TOPIC));
        produce(0, 40);
        BackupLayout layout = new BackupLayout("unreachable/");
        try (TcpForwarder forwarder = TcpForwarder.to(KAFKA.bootstrapServers()).open();
             ObjectStore store = new FilesystemObjectStore(root);
             LogCapture capture = LogCapture.start(Map.of("io.lifeboat", Level.DEBUG))) {
            Map<String, String> config = ConnectorConfigs.backup(BACKUP, List.of(TOPIC),
                    ConnectorConfigs.filesystemStorage(root, "unreachable"));
            config.put("source.cluster.bootstrap.servers", forwarder.address());
            config.put("metadata.interval.ms", "2000");
            KAFKA.configure(config);
            KAFKA.progress().awaitBackupCaughtUp(BACKUP, List.of(TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC,
                    TIMEOUT)), TIMEOUT);
            Await.result("a first snapshot", TIMEOUT, () -> newest(store, layout), () -> "none yet");

            forwarder.close();
            String warning = Await.result("a failed snapshot logged at WARN", TIMEOUT, () -> capture.lines().stream()
                    .filter(l -> l.startsWith("WARN") && l.contains("Metadata snapshot of connector " + BACKUP + " failed"))
                    .findFirst(), () -> "no such line");
            assertTrue(warning.contains("The record backup is not affected"), warning);
            assertTrue(warning.contains(forwarder.address()), warning);
            SnapshotKey beforeOutage = newestKey(store, layout).orElseThrow();

            produce(40, 60);
            KAFKA.progress().awaitBackupCaughtUp(BACKUP, List.of(TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC,
                    TIMEOUT)), TIMEOUT);
            assertEquals(beforeOutage, newestKey(store, layout).orElseThrow(),
                    "no snapshot while the source cluster cannot be reached");
            assertTrue(capture.lines().stream().noneMatch(l -> l.contains("resumed after")));

            forwarder.open();
            MetadataSnapshot resumed = Await.result("a snapshot after the source cluster is reachable again", TIMEOUT,
                    () -> newest(store, layout).filter(s -> s.takenAt() > beforeOutage.takenAt()), () -> "none yet");
            assertEquals(Map.of(0, 30L, 1, 30L), resumed.topics().get(TOPIC).endOffsets(),
                    "the snapshot sees the records produced during the outage");
            String resumedLine = Await.result("the INFO line saying snapshots resumed", TIMEOUT, () -> capture.lines()
                    .stream().filter(l -> l.startsWith("INFO") && l.contains("Metadata snapshots of connector " + BACKUP
                            + " resumed after")).findFirst(), () -> "no such line");
            assertTrue(resumedLine.matches(".*resumed after \\d+ failures?.*"), resumedLine);
            long warnings = capture.lines().stream().filter(l -> l.startsWith("WARN") && l.contains(BACKUP + " failed"))
                    .count();
            assertEquals(1, warnings, "one WARN with the cause per streak; the rest summarised");
            KAFKA.progress().deleteConnector(BACKUP, TIMEOUT);
            Await.result("the final snapshot", TIMEOUT, () -> newest(store, layout).filter(MetadataSnapshot::last),
                    () -> "none yet");
        }
    }

    private static void produce(int from, int to) {
        for (int i = from; i < to; i++) {
            KAFKA.connect().cluster().kafka().produce(TOPIC, i % 2, "key-" + i, "value-" + i);
        }
    }

    private static Optional<SnapshotKey> newestKey(ObjectStore store, BackupLayout layout) throws Exception {
        return MetadataSnapshots.newest(store, layout);
    }

    private static Optional<MetadataSnapshot> newest(ObjectStore store, BackupLayout layout) throws Exception {
        Optional<SnapshotKey> key = newestKey(store, layout);
        return key.isPresent() ? Optional.of(MetadataSnapshots.read(store, key.get())) : Optional.empty();
    }
}
