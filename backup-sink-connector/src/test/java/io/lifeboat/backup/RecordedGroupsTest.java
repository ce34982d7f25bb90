package io.lifeboat.backup;

import io.lifeboat.core.metadata.MetadataSnapshot.CommittedOffset;
import io.lifeboat.core.metadata.MetadataSnapshot.GroupOffsets;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordedGroupsTest {

    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private static final TopicPartition OTHER_0 = new TopicPartition("not-backed-up", 0);

    @Test
    void groupsKeepTheirOffsetsOnBackedUpTopicsOnlyWithMetadataAndState() {
        Map<TopicPartition, OffsetAndMetadata> billing = new HashMap<>();
        billing.put(ORDERS_0, new OffsetAndMetadata(17, "checkpoint-9"));
        billing.put(ORDERS_1, null); // no offset committed there
        billing.put(OTHER_0, new OffsetAndMetadata(5));
        Map<String, GroupOffsets> groups = RecordedGroups.select(Map.of("billing", "Stable", "audit", "Empty"),
                Map.of("billing", billing, "audit", Map.of(ORDERS_1, new OffsetAndMetadata(3, null))),
                Set.of("orders"), "connect-orders-backup");
        assertEquals(Set.of("billing", "audit"), groups.keySet());
        assertEquals(new GroupOffsets("Stable", Map.of(ORDERS_0, new CommittedOffset(17, "checkpoint-9"))),
                groups.get("billing"));
        assertEquals(new GroupOffsets("Empty", Map.of(ORDERS_1, new CommittedOffset(3, ""))), groups.get("audit"));
    }

    @Test
    void theBackupsOwnGroupAndGroupsOfOtherTopicsOnlyAreLeftOut() {
        Map<String, GroupOffsets> groups = RecordedGroups.select(Map.of(),
                Map.of("connect-orders-backup", Map.of(ORDERS_0, new OffsetAndMetadata(100)),
                        "elsewhere", Map.of(OTHER_0, new OffsetAndMetadata(1)),
                        "reader", Map.of(ORDERS_0, new OffsetAndMetadata(0))),
                Set.of("orders"), "connect-orders-backup");
        assertEquals(Set.of("reader"), groups.keySet());
        assertEquals("", groups.get("reader").state(), "no state listed: empty, not made up");
        assertFalse(RecordedGroups.considered("connect-orders-backup", "connect-orders-backup"));
        assertTrue(RecordedGroups.considered("connect-other-backup", "connect-orders-backup"));
    }
}
