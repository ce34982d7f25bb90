package io.lifeboat.core.layout;

import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import java.util.stream.LongStream;

/**
 * What a backup set holds, read from object keys only: its topics, each topic's partitions (from
 * partition markers, so that partitions without records count, and from segments) and each
 * partition's segments in offset order, with their sizes. Objects under the layout's folders whose
 * keys are not markers or segments of the layout are reported, never silently ignored.
 *
 * <p>The restore plans with it (partition counts, timestamps); the operator CLI lists and verifies
 * with it.
 */
public final class BackupCatalog {

    /** Offset order: by first offset, then by last offset. */
    public static final Comparator<SegmentDescriptor> SEGMENT_ORDER =
            Comparator.comparingLong(SegmentDescriptor::firstOffset).thenComparingLong(SegmentDescriptor::lastOffset);

    /** A segment object: its key, size and what the key says about it. */
    public record SegmentEntry(String key, long size, SegmentDescriptor descriptor) {
    }

    /** A partition of the backup set; {@code marked} says whether its partition marker exists. */
    public record PartitionEntry(TopicPartition partition, boolean marked, List<SegmentEntry> segments) {

        public long bytes() {
            return segments.stream().mapToLong(SegmentEntry::size).sum();
        }
    }

    private final String description;
    private final SortedMap<String, SortedMap<Integer, PartitionEntry>> topics = new TreeMap<>();
    private final List<StoredObject> unrecognized = new ArrayList<>();

    private BackupCatalog(ObjectStore store, BackupLayout layout) {
        this.description = store.describe() + " prefix '" + layout.prefix() + "'";
    }

    /** The names of the topics that have partition markers in the backup set, from one listing. */
    public static SortedSet<String> markedTopics(ObjectStore store, BackupLayout layout) throws IOException {
        SortedSet<String> names = new TreeSet<>();
        for (StoredObject object : store.list(layout.partitionMarkersPrefix())) {
            layout.parsePartitionMarker(object.key()).ifPresent(tp -> names.add(tp.topic()));
        }
        return names;
    }

    /** The whole backup set: one listing of the markers folder and one of the segments folder. */
    public static BackupCatalog load(ObjectStore store, BackupLayout layout) throws IOException {
        BackupCatalog catalog = new BackupCatalog(store, layout);
        catalog.addMarkers(store.list(layout.partitionMarkersPrefix()), layout);
        catalog.addSegments(store.list(layout.segmentsPrefix()), layout);
        catalog.sortSegments();
        return catalog;
    }

    /** The given topics of the backup set: two listings per topic (its markers and its segments). */
    public static BackupCatalog load(ObjectStore store, BackupLayout layout, Collection<String> topicNames)
            throws IOException {
        BackupCatalog catalog = new BackupCatalog(store, layout);
        for (String topic : new TreeSet<>(topicNames)) {
            catalog.addMarkers(store.list(layout.partitionMarkersPrefix(topic)), layout);
            catalog.addSegments(store.list(layout.segmentsPrefix(topic)), layout);
        }
        catalog.sortSegments();
        return catalog;
    }

    private void addMarkers(List<StoredObject> markers, BackupLayout layout) {
        for (StoredObject marker : markers) {
            Optional<TopicPartition> tp = layout.parsePartitionMarker(marker.key());
            if (tp.isPresent()) {
                partition(tp.get(), true);
            } else {
                unrecognized.add(marker);
            }
        }
    }

    private void addSegments(List<StoredObject> objects, BackupLayout layout) {
        for (StoredObject object : objects) {
            Optional<SegmentDescriptor> segment = layout.parseSegmentKey(object.key());
            if (segment.isPresent()) {
                partition(segment.get().topicPartition(), false).segments()
                        .add(new SegmentEntry(object.key(), object.size(), segment.get()));
            } else {
                unrecognized.add(object);
            }
        }
    }

    private PartitionEntry partition(TopicPartition tp, boolean marked) {
        SortedMap<Integer, PartitionEntry> partitions = topics.computeIfAbsent(tp.topic(), t -> new TreeMap<>());
        PartitionEntry entry = partitions.get(tp.partition());
        if (entry == null || (marked && !entry.marked())) {
            entry = new PartitionEntry(tp, marked, entry == null ? new ArrayList<>() : entry.segments());
            partitions.put(tp.partition(), entry);
        }
        return entry;
    }

    private void sortSegments() {
        Comparator<SegmentEntry> order = Comparator.comparing(SegmentEntry::descriptor, SEGMENT_ORDER);
        topics.values().forEach(partitions -> partitions.values().forEach(p -> p.segments().sort(order)));
    }

    /** "filesystem:/x prefix 'p/'", for messages and headings. */
    public String description() {
        return description;
    }

    public Set<String> topics() {
        return topics.keySet();
    }

    /** The topic's partitions by number (empty when the topic is not in the backup set). */
    public SortedMap<Integer, PartitionEntry> partitions(String topic) {
        return topics.getOrDefault(topic, new TreeMap<>());
    }

    /**
     * Number of partitions the topic had, as far as the backup knows: one more than the highest
     * partition number of its markers and segments (0 when not in the backup).
     */
    public int partitionCount(String topic) {
        SortedMap<Integer, PartitionEntry> partitions = partitions(topic);
        return partitions.isEmpty() ? 0 : partitions.lastKey() + 1;
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
        return partitions(topic).values().stream()
                .flatMap(p -> p.segments().stream())
                .map(SegmentEntry::descriptor)
                .mapToLong(timestamp)
                .filter(ts -> ts != SegmentDescriptor.NONE);
    }

    /** Objects under the layout's folders whose keys are not markers or segments of this layout. */
    public List<StoredObject> unrecognized() {
        return List.copyOf(unrecognized);
    }

    /** True when the backup set holds nothing at all. */
    public boolean isEmpty() {
        return topics.isEmpty() && unrecognized.isEmpty();
    }
}
