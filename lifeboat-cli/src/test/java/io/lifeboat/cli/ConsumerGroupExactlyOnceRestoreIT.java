package io.lifeboat.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link ConsumerGroupRestoreScenario} with {@code exactly.once.support=required}: records go out in
 * transactions, whose markers take offsets in the target, so target offsets are read from the
 * acknowledgements, never counted.
 */
class ConsumerGroupExactlyOnceRestoreIT extends ConsumerGroupRestoreScenario {

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension(
            Map.of("exactly.once.source.support", "enabled"));

    @TempDir
    Path root;

    @Override
    EmbeddedConnectExtension kafka() {
        return KAFKA;
    }

    @Test
    void everyGroupResumesAtTheRecordItWouldHaveReadNext() throws Exception {
        Map<String, String> storage = ConnectorConfigs.filesystemStorage(root, "groups-eos");
        List<Group> groups = new ArrayList<>();
        List<TopicSnapshot> originals = backUpWithGroups(KAFKA, storage, "ce.", groups);

        Map<String, String> restore = restoreConfig(KAFKA, "ce-restore", storage, originals);
        restore.put("exactly.once.support", "required");
        KAFKA.configure(restore);
        KAFKA.restores().awaitComplete("ce-restore", originals, renames(originals), TIMEOUT);
        awaitGroupsCommitted(KAFKA, groups, "ce-restore");
        assertGroupsRepositioned(KAFKA, originals, groups);
        KAFKA.progress().deleteConnector("ce-restore", TIMEOUT);
    }
}
