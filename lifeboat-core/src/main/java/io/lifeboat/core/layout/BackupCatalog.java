package io.lifeboat.core.layout;

import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
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
    private final List<String> unrecognized;

    private BackupCatalog(Map<String, Integer> partitionCounts, Map<TopicPartition, List<SegmentDescriptor>> segments,
                          List<String> unrecognized) {
        this.partitionCounts = partitionCounts;
        this.segments = segments;
        this.unrecognized = unrecognized;
    }

    /**
     * Every topic of the backup set with its partition count as its markers show, from one listing
     * of the markers folder.
     */
    public static Map<String, Integer> markedTopics(ObjectStore store, BackupLayout layout) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        for (StoredObject object : store.list(layout.partitionMarkersPrefix())) {
            layout.parsePartitionMarker(object.key())
                    .ifPresent(tp -> counts.merge(tp.topic(), tp.partition() + 1, Math::max));
        }
        return counts;
    }

    /**
     * Loads the segment keys of the given topics, one listing per topic.
     *
     * @param markedTopics the topics to load, with their partition counts from {@link #markedTopics}
     */
    public static BackupCatalog load(ObjectStore store, BackupLayout layout, Map<String, Integer> markedTopics)
            throws IOException {
        Map<String, Integer> counts = new TreeMap<>(markedTopics);
        Map<TopicPartition, List<SegmentDescriptor>> segments = new TreeMap<>(
                Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        List<String> unrecognized = new ArrayList<>();
        for (String topic : markedTopics.keySet()) {
            for (StoredObject object : store.list(layout.prefix() + BackupLayout.SEGMENTS + topic + "/")) {
                Optional<SegmentDescriptor> segment = layout.parseSegmentKey(object.key());
                if (segment.isEmpty()) {
                    unrecognized.add(object.key());
                    continue;
                }
                SegmentDescriptor s = segment.get();
                segments.computeIfAbsent(s.topicPartition(), tp -> new ArrayList<>()).add(s);
                counts.merge(topic, s.partition() + 1, Math::max);
            }
        }
        segments.values().forEach(list -> list.sort(SEGMENT_ORDER));
        return new BackupCatalog(counts, segments, unrecognized);
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
