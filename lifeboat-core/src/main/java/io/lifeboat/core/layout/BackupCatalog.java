package io.lifeboat.core.layout;

import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import java.util.stream.LongStream;

/**
 * What a backup set holds, read from object keys only: its topics, each topic's partition count
 * (partition markers and segments), and each partition's segments in offset order. Objects under
 * the segments folder whose keys are not segment keys are reported, never silently ignored.
 */
public final class BackupCatalog {

    private final Map<String, Integer> partitionCounts;
    private final Map<TopicPartition, List<SegmentDescriptor>> segments;
    private final Map<SegmentDescriptor, StoredObject> objects;
    private final List<String> unrecognized;

    private BackupCatalog(Map<String, Integer> partitionCounts, Map<TopicPartition, List<SegmentDescriptor>> segments,
                          Map<SegmentDescriptor, StoredObject> objects, List<String> unrecognized) {
        this.partitionCounts = partitionCounts;
        this.segments = segments;
        this.objects = objects;
        this.unrecognized = unrecognized;
    }

    /** Topics of the backup set, from its partition markers and segment folders. */
    public static Set<String> listTopics(ObjectStore store, BackupLayout layout) throws IOException {
        Set<String> topics = new TreeSet<>();
        for (StoredObject object : store.list(layout.partitionMarkersPrefix())) {
            layout.parsePartitionMarker(object.key()).ifPresent(tp -> topics.add(tp.topic()));
        }
        return topics;
    }

    /** Loads markers and segment keys of the given topics. */
    public static BackupCatalog load(ObjectStore store, BackupLayout layout, Collection<String> topics)
            throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        Map<TopicPartition, List<SegmentDescriptor>> segments = new TreeMap<>(
                Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        Map<SegmentDescriptor, StoredObject> objects = new HashMap<>();
        List<String> unrecognized = new ArrayList<>();
        for (String topic : topics) {
            int count = 0;
            for (StoredObject object : store.list(layout.partitionMarkersPrefix(topic))) {
                Optional<TopicPartition> tp = layout.parsePartitionMarker(object.key());
                if (tp.isPresent() && tp.get().topic().equals(topic)) {
                    count = Math.max(count, tp.get().partition() + 1);
                }
            }
            for (StoredObject object : store.list(layout.prefix() + BackupLayout.SEGMENTS + topic + "/")) {
                Optional<SegmentDescriptor> segment = layout.parseSegmentKey(object.key());
                if (segment.isEmpty()) {
                    unrecognized.add(object.key());
                    continue;
                }
                SegmentDescriptor s = segment.get();
                segments.computeIfAbsent(s.topicPartition(), tp -> new ArrayList<>()).add(s);
                objects.put(s, object);
                count = Math.max(count, s.partition() + 1);
            }
            if (count > 0) {
                counts.put(topic, count);
            }
        }
        segments.values().forEach(list -> list.sort(SEGMENT_ORDER));
        return new BackupCatalog(counts, segments, objects, unrecognized);
    }

    /** Offset order: by first offset, then by last offset. */
    public static final Comparator<SegmentDescriptor> SEGMENT_ORDER =
            Comparator.comparingLong(SegmentDescriptor::firstOffset).thenComparingLong(SegmentDescriptor::lastOffset);

    public Set<String> topics() {
        return partitionCounts.keySet();
    }

    /** Number of partitions the topic had, as far as the backup knows (0 when not in the backup). */
    public int partitionCount(String topic) {
        return partitionCounts.getOrDefault(topic, 0);
    }

    public List<SegmentDescriptor> segments(TopicPartition tp) {
        return segments.getOrDefault(tp, List.of());
    }

    public StoredObject object(SegmentDescriptor segment) {
        return objects.get(segment);
    }

    /** Smallest record timestamp in the topic's backup. */
    public OptionalLong oldestTimestamp(String topic) {
        return timestamps(topic, SegmentDescriptor::minTimestamp).min();
    }

    /** Largest record timestamp in the topic's backup. */
    public OptionalLong newestTimestamp(String topic) {
        return timestamps(topic, SegmentDescriptor::maxTimestamp).max();
    }

    private LongStream timestamps(String topic, ToLongFunction<SegmentDescriptor> timestamp) {
        return segments.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic))
                .flatMap(e -> e.getValue().stream())
                .mapToLong(timestamp)
                .filter(ts -> ts != SegmentDescriptor.NONE);
    }

    /** Keys under the segments folder that are not segment keys of this layout. */
    public List<String> unrecognizedKeys() {
        return unrecognized;
    }
}
