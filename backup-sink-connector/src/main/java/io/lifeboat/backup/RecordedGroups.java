package io.lifeboat.backup;

import io.lifeboat.core.metadata.MetadataSnapshot.CommittedOffset;
import io.lifeboat.core.metadata.MetadataSnapshot.GroupOffsets;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which consumer groups a snapshot records, and what of them: every group with a committed offset
 * on a backed-up topic, except the backup's own group (its offsets are the backup's progress, which
 * the backup set records in its segments and high-water marks; a restore must never reposition it);
 * of each, the committed offsets (and metadata strings) on backed-up topics only, and its state.
 */
final class RecordedGroups {

    private RecordedGroups() {
    }

    /** True when the snapshot fetches this group's offsets at all. */
    static boolean considered(String groupId, String ownGroup) {
        return !groupId.equals(ownGroup);
    }

    /**
     * @param states    each listed group's state (Stable, Empty, ...; "" when the cluster gave none)
     * @param committed each group's committed offsets as the admin client returned them (a null value:
     *                  no offset for that partition)
     * @param topics    the backed-up topics
     * @param ownGroup  the backup's own consumer group
     */
    static Map<String, GroupOffsets> select(Map<String, String> states,
                                            Map<String, Map<TopicPartition, OffsetAndMetadata>> committed,
                                            Set<String> topics, String ownGroup) {
        Map<String, GroupOffsets> groups = new TreeMap<>();
        committed.forEach((groupId, offsets) -> {
            if (!considered(groupId, ownGroup)) {
                return;
            }
            Map<TopicPartition, CommittedOffset> kept = new HashMap<>();
            offsets.forEach((tp, offset) -> {
                if (offset != null && topics.contains(tp.topic())) {
                    kept.put(tp, new CommittedOffset(offset.offset(), offset.metadata() == null ? "" : offset.metadata()));
                }
            });
            if (!kept.isEmpty()) {
                groups.put(groupId, new GroupOffsets(states.getOrDefault(groupId, ""), kept));
            }
        });
        return groups;
    }
}
