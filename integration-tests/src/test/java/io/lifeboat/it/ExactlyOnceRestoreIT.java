package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.RecordComparison;
import io.lifeboat.cli.RestoreWatch;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.harness.SampleData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restore on a worker with exactly-once source support, with {@code exactly.once.support=required}:
 * Connect accepts the connector only if it declares support, and then writes records and source
 * offsets in one transaction, so a crash cannot duplicate records.
 */
class ExactlyOnceRestoreIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension(
            Map.of("exactly.once.source.support", "enabled"));

    @TempDir
    Path root;

    @Test
    void restoresExactlyOnceWhenTheWorkerRequiresIt() throws Exception {
        Map<String, String> storage = ConnectorConfigs.filesystemStorage(root, "eos");
        SampleData.Topics topics = new SampleData(KAFKA.bootstrapServers()).write(KAFKA.connect().admin(), "eos.");
        List<TopicSnapshot> originals = List.of(
                TopicSnapshot.read(KAFKA.bootstrapServers(), topics.awkward(), TIMEOUT),
                TopicSnapshot.read(KAFKA.bootstrapServers(), topics.transactional(), TIMEOUT));
        List<String> restored = List.of(topics.awkward(), topics.transactional());

        KAFKA.configure(ConnectorConfigs.backup("eos-backup", restored, storage));
        KAFKA.progress().awaitBackupCaughtUp("eos-backup", originals, TIMEOUT);
        KAFKA.progress().deleteConnector("eos-backup", TIMEOUT);
        KAFKA.topics().deleteAndAwait(topics.all(), TIMEOUT);

        Map<String, String> restore = ConnectorConfigs.restore("eos-restore", KAFKA.bootstrapServers(), storage);
        restore.put("exactly.once.support", "required");
        restore.put("tasks.max", "2");
        KAFKA.configure(restore);
        assertEquals(RestoreWatch.Completion.SOURCE_OFFSETS, KAFKA.restores().awaitComplete("eos-restore", originals, TIMEOUT));
        for (TopicSnapshot original : originals) {
            RecordComparison comparison = RecordComparison.compare(original,
                    TopicSnapshot.read(KAFKA.bootstrapServers(), original.topic(), TIMEOUT));
            assertTrue(comparison.matches(), comparison.toString());
        }
        KAFKA.progress().deleteConnector("eos-restore", TIMEOUT);
    }
}
