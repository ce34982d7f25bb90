package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Records in the store that a partition exists, even before (or without) any record: a restore
 * creates topics with the partition count the markers show. One listing per topic, and a small
 * object per partition not yet marked.
 */
final class PartitionMarkers {

    private final ObjectStore store;
    private final BackupLayout layout;
    private final Set<TopicPartition> known = new HashSet<>();

    PartitionMarkers(ObjectStore store, BackupLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    void ensure(Collection<TopicPartition> partitions) throws IOException {
        Map<String, Set<TopicPartition>> byTopic = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            if (!known.contains(tp)) {
                byTopic.computeIfAbsent(tp.topic(), t -> new TreeSet<>(
                        (a, b) -> Integer.compare(a.partition(), b.partition()))).add(tp);
            }
        }
        for (Map.Entry<String, Set<TopicPartition>> entry : byTopic.entrySet()) {
            Set<TopicPartition> marked = new HashSet<>();
            for (StoredObject object : store.list(layout.partitionMarkersPrefix(entry.getKey()))) {
                layout.parsePartitionMarker(object.key()).ifPresent(marked::add);
            }
            for (TopicPartition tp : entry.getValue()) {
                if (!marked.contains(tp)) {
                    String content = "{\"topic\":\"" + tp.topic() + "\",\"partition\":" + tp.partition() + "}\n";
                    store.put(layout.partitionMarkerKey(tp), content.getBytes(StandardCharsets.UTF_8));
                }
                known.add(tp);
            }
        }
    }
}
