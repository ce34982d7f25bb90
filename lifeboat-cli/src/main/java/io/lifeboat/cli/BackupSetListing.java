package io.lifeboat.cli;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a backup set holds, from one listing of its store through {@link BackupLayout}: topics, their
 * partitions (from partition markers and segments) and each partition's segments in offset order.
 * Objects under the layout's folders whose keys the layout does not recognise are kept apart.
 */
public final class BackupSetListing {

    /** A segment object: its key, size and what the key says about it. */
    public record SegmentEntry(String key, long size, SegmentDescriptor descriptor) {
    }

    /** A partition of the backup set; {@code marked} says whether its partition marker exists. */
    public record PartitionEntry(TopicPartition partition, boolean marked, List<SegmentEntry> segments) {

        public long bytes() {
            return segments.stream().mapToLong(SegmentEntry::size).sum();
        }
    }

    private final SortedMap<String, SortedMap<Integer, PartitionEntry>> topics = new TreeMap<>();
    private final List<StoredObject> unrecognized = new ArrayList<>();
    private final String description;

    private BackupSetListing(String description) {
        this.description = description;
    }

    /** Lists the backup set under {@code layout}'s prefix. */
    public static BackupSetListing load(ObjectStore store, BackupLayout layout) throws IOException {
        BackupSetListing catalog = new BackupSetListing(store.describe() + " prefix '" + layout.prefix() + "'");
        for (StoredObject marker : store.list(layout.partitionMarkersPrefix())) {
            Optional<TopicPartition> tp = layout.parsePartitionMarker(marker.key());
            if (tp.isPresent()) {
                catalog.partition(tp.get(), true);
            } else {
                catalog.unrecognized.add(marker);
            }
        }
        for (StoredObject object : store.list(layout.prefix() + BackupLayout.SEGMENTS)) {
            Optional<SegmentDescriptor> segment = layout.parseSegmentKey(object.key());
            if (segment.isPresent()) {
                catalog.partition(segment.get().topicPartition(), false).segments()
                        .add(new SegmentEntry(object.key(), object.size(), segment.get()));
            } else {
                catalog.unrecognized.add(object);
            }
        }
        return catalog;
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

    /** Topic name to its partitions by number. */
    public SortedMap<String, SortedMap<Integer, PartitionEntry>> topics() {
        return topics;
    }

    /** Objects under the layout's folders whose keys are not markers or segments of this layout. */
    public List<StoredObject> unrecognized() {
        return List.copyOf(unrecognized);
    }

    /** "filesystem:/x prefix 'p/'", for headings. */
    public String description() {
        return description;
    }

    public boolean isEmpty() {
        return topics.isEmpty() && unrecognized.isEmpty();
    }
}
