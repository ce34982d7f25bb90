package io.lifeboat.restore;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.metadata.MetadataSnapshot;
import io.lifeboat.core.metadata.MetadataSnapshot.CommittedOffset;
import io.lifeboat.core.metadata.MetadataSnapshot.GroupOffsets;
import io.lifeboat.core.metadata.MetadataSnapshot.TopicMetadata;
import io.lifeboat.core.metadata.MetadataSnapshots;
import io.lifeboat.core.storage.FilesystemObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupPlanTest {

    private static final BackupLayout LAYOUT = new BackupLayout("set/");
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);

    private static MetadataSnapshot snapshot(long takenAt, long billingOffset) {
        return new MetadataSnapshot(takenAt, "backup", "cluster", false,
                Map.of("orders", new TopicMetadata("id", 1, 1, Map.of(), Map.of(0, 100L))),
                Map.of("billing", new GroupOffsets("Empty", Map.of(ORDERS_0, new CommittedOffset(billingOffset, "m"))),
                        "billing-audit", new GroupOffsets("Empty", Map.of(ORDERS_0, new CommittedOffset(3, "")))));
    }

    @Test
    void aTaskIsHandedTheSnapshotsOfItsOwnTopicsOnly() {
        String all = "a-b=set/metadata/1/x.json,c.d=set/metadata/2/y.json,e=set/metadata/3/z.json";
        assertEquals("a-b=set/metadata/1/x.json,e=set/metadata/3/z.json", GroupPlan.only(all, Set.of("e", "a-b")));
        assertEquals(Map.of("c.d", "set/metadata/2/y.json"), GroupPlan.decode(GroupPlan.only(all, Set.of("c.d", "f"))));
        assertEquals("", GroupPlan.only("", Set.of("a-b")));
    }

    @Test
    void theSnapshotAtOrBeforeTheEndTimeIsUsedUnlessAnEarlierRunPinnedOne(@TempDir Path root) throws Exception {
        try (FilesystemObjectStore store = new FilesystemObjectStore(root)) {
            String older = MetadataSnapshots.write(store, LAYOUT, snapshot(1_000_000, 10));
            MetadataSnapshots.write(store, LAYOUT, snapshot(2_000_000, 20));
            var atEnd = GroupPlan.snapshots(store, LAYOUT, List.of("orders"),
                    OptionalLong.of(1_500_000), "the set");
            assertEquals(older, atEnd.get("orders").key().key());
            var pinned = GroupPlan.snapshots(store, LAYOUT, Map.of(), List.of("orders"),
                    OptionalLong.empty(), "the set", Map.of("orders", older));
            assertEquals(older, pinned.get("orders").key().key(), "a restarted connector keeps its snapshot");

            String thinned = MetadataSnapshots.write(store, LAYOUT, snapshot(1_200_000, 12));
            store.delete(thinned);
            assertEquals(older, GroupPlan.snapshots(store, LAYOUT, Map.of(), List.of("orders"), OptionalLong.empty(),
                    "the set", Map.of("orders", thinned)).get("orders").key().key(), "a pinned snapshot thinned away: the newest before it");

            var planned = GroupPlan.planned(store, LAYOUT, GroupPlan.encode(pinned), Pattern.compile("billing"),
                    List.of(ORDERS_0));
            assertEquals(Map.of("billing", new CommittedOffset(10, "m")), planned.get(ORDERS_0),
                    "whole group ids match, billing-audit does not");
        }
    }

    @Test
    void noSnapshotBeforeTheEndTimeAndAPatternMatchingNothingAreRefusedOnTheKey(@TempDir Path root) throws Exception {
        try (FilesystemObjectStore store = new FilesystemObjectStore(root)) {
            MetadataSnapshots.write(store, LAYOUT, snapshot(2_000_000, 20));
            RestorePlanner.PlanException none = assertThrows(RestorePlanner.PlanException.class, () ->
                    GroupPlan.snapshots(store, LAYOUT, List.of("orders"), OptionalLong.of(1_000_000), "the set"));
            assertEquals(RestoreSourceConfig.CONSUMER_GROUPS, none.configKey());
            assertTrue(none.getMessage().contains("[orders]") && none.getMessage().contains("restore.end.time"),
                    none.getMessage());

            var keys = GroupPlan.snapshots(store, LAYOUT, List.of("orders"), OptionalLong.empty(),
                    "the set");
            GroupPlan.requireAMatch(keys, Pattern.compile("billing.*"));
            RestorePlanner.PlanException typo = assertThrows(RestorePlanner.PlanException.class,
                    () -> GroupPlan.requireAMatch(keys, Pattern.compile("biling")));
            assertEquals(RestoreSourceConfig.CONSUMER_GROUPS, typo.configKey());
            assertTrue(typo.getMessage().contains("[billing, billing-audit]"), typo.getMessage());

            MetadataSnapshots.write(store, LAYOUT, new MetadataSnapshot(3_000_000, "backup", "cluster", false,
                    Map.of("quiet", new TopicMetadata("id2", 1, 1, Map.of(), Map.of(0, 0L))), Map.of()));
            GroupPlan.requireAMatch(GroupPlan.snapshots(store, LAYOUT, List.of("quiet"), OptionalLong.empty(),
                    "the set"), Pattern.compile(".*")); // no group recorded there: nothing to reposition, no error
        }
    }
}
