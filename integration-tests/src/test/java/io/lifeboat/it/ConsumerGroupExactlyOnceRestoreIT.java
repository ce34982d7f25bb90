package io.lifeboat.it;

import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.core.storage.S3ProxyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ConsumerGroupRestoreScenario} with {@code exactly.once.support=required}, backed up to an
 * S3-compatible server: records go out in transactions, whose markers take offsets in the target, so
 * target offsets are read from the acknowledgements, never counted.
 */
class ConsumerGroupExactlyOnceRestoreIT extends ConsumerGroupRestoreScenario {

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension(
            Map.of("exactly.once.source.support", "enabled"));

    private S3ProxyServer s3;

    @BeforeEach
    void startStore() throws Exception {
        s3 = new S3ProxyServer().start();
        s3.createBucket("groups-eos");
    }

    @AfterEach
    void stopStore() throws Exception {
        s3.close();
    }

    @Override
    EmbeddedConnectExtension kafka() {
        return KAFKA;
    }

    @Test
    void everyGroupResumesAtTheRecordItWouldHaveReadNext() throws Exception {
        Map<String, String> storage = new HashMap<>(s3.storageProps("groups-eos"));
        storage.put("storage.prefix", "eos-set");
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
