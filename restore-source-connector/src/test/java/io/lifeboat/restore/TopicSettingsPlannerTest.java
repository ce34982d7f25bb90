package io.lifeboat.restore;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.metadata.MetadataSnapshot;
import io.lifeboat.core.metadata.MetadataSnapshot.TopicMetadata;
import io.lifeboat.core.metadata.MetadataSnapshots;
import io.lifeboat.core.storage.FilesystemObjectStore;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which snapshot a topic's settings come from, and the partition count and configs of a created topic. */
class TopicSettingsPlannerTest {

    private static final BackupLayout LAYOUT = new BackupLayout("set/");
    private static final long DAY = 86_400_000L;
    private static final long T0 = 1_764_650_000_000L;

    private FilesystemObjectStore store;
    private String earlyKey;
    private String lateKey;

    @BeforeEach
    void snapshots(@TempDir Path root) throws Exception {
        store = new FilesystemObjectStore(root);
        earlyKey = MetadataSnapshots.write(store, LAYOUT, snapshot(T0, Map.of(
                "orders", topic(4, Map.of("retention.ms", "1000", "cleanup.policy", "compact")))));
        lateKey = MetadataSnapshots.write(store, LAYOUT, snapshot(T0 + DAY, Map.of(
                "orders", topic(2, Map.of("retention.ms", "2000", "follower.replication.throttled.replicas", "*")))));
    }

    private static MetadataSnapshot snapshot(long takenAt, Map<String, TopicMetadata> topics) {
        return new MetadataSnapshot(takenAt, "backup", "cluster", false, topics, Map.of());
    }

    private static TopicMetadata topic(int partitions, Map<String, String> configs) {
        return new TopicMetadata("id", partitions, 3, configs, Map.of());
    }

    private Map<String, TopicSettings> plan(OptionalLong atOrBefore, String... overrides) {
        return TopicSettingsPlanner.plan(store, LAYOUT, List.of(new RestorePlanner.TopicPlan("orders", "orders_r", 3),
                        new RestorePlanner.TopicPlan("payments", "payments", 2)), atOrBefore,
                TopicConfigOverrides.parse(List.of(overrides)), Optional.of((short) 1));
    }

    @Test
    void theNewestSnapshotGivesTheSettings() {
        TopicSettings orders = plan(OptionalLong.empty()).get("orders");
        assertEquals(lateKey, orders.snapshot().orElseThrow().key());
        assertEquals(Map.of("retention.ms", "2000"), orders.configs());
        assertEquals(Map.of("follower.replication.throttled.replicas", "*"), orders.merge().dropped());
        assertEquals(3, orders.partitions(), "the backup's count, larger than the snapshot's");
        assertEquals(Optional.of((short) 1), orders.replicationFactor());
        assertFalse(orders.sourceCompacted());
        assertTrue(orders.origin().contains(lateKey), orders.origin());
    }

    @Test
    void theNewestSnapshotAtOrBeforeTheMomentGivesTheSettings() {
        TopicSettings orders = plan(OptionalLong.of(T0 + DAY - 1)).get("orders");
        assertEquals(earlyKey, orders.snapshot().orElseThrow().key());
        assertEquals(Map.of("retention.ms", "1000", "cleanup.policy", "compact"), orders.configs());
        assertEquals(4, orders.partitions(), "the snapshot's count, larger than the backup's (empty partitions)");
        assertTrue(orders.sourceCompacted());
    }

    @Test
    void aTopicNoSnapshotDescribesGetsThePartitionCountAndTheOverrides() {
        TopicSettings payments = plan(OptionalLong.empty(), "retention.ms=-1").get("payments");
        assertEquals(Optional.empty(), payments.snapshot());
        assertEquals(2, payments.partitions());
        assertEquals(Map.of("retention.ms", "-1"), payments.configs());
        assertEquals(Map.of(), payments.backedUpConfigs());
        assertEquals("no metadata snapshot", payments.origin());
    }

    @Test
    void overridesApplyOverTheSnapshot() {
        TopicSettings orders = plan(OptionalLong.empty(), "retention.ms=-1").get("orders");
        assertEquals(Map.of("retention.ms", "-1"), orders.configs());
        assertEquals(Map.of("retention.ms", "2000"), orders.merge().overridden());
    }

    @Test
    void aDamagedSnapshotStopsThePlanNamingTheObject() throws Exception {
        String damaged = LAYOUT.snapshotKey("backup", T0 + 2 * DAY);
        store.put(damaged, "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ConnectException e = assertThrows(ConnectException.class, () -> plan(OptionalLong.empty()));
        assertTrue(e.getMessage().contains(damaged) && e.getMessage().contains("move it out"), e.getMessage());
        assertEquals(lateKey, plan(OptionalLong.of(T0 + DAY)).get("orders").snapshot().orElseThrow().key(),
                "a restore to a moment before it does not read it");
    }
}
