package io.lifeboat.core.layout;

import io.lifeboat.core.storage.FilesystemObjectStore;
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
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.stream.LongStream;

/**
 * What a backup set holds, read from object keys only: its topics, each topic's partitions (from
 * partition markers, so that partitions without records count, and from segments and recorded gaps)
 * and each partition's segments in offset order, with their sizes, and its recorded gaps. Zero-byte
 * folder placeholders (keys ending with '/', as a console's "create folder" makes) are kept apart;
 * any other object under the layout's folders whose key is not a marker, segment or gap of the layout
 * is unrecognized, never silently ignored. What these mean for a restore is {@link BackupSetCheck}'s
 * job.
 *
 * <p>The restore plans with it (partition counts, timestamps); the operator CLI lists and verifies
 * with it.
 */
public final class BackupCatalog {

    /** Offset order: by first offset, then by last offset. */
    public static final Comparator<SegmentDescriptor> SEGMENT_ORDER =
            Comparator.comparingLong(SegmentDescriptor::firstOffset).thenComparingLong(SegmentDescriptor::lastOffset);

    private static final Comparator<OffsetGap> GAP_ORDER = Comparator.comparingLong(OffsetGap::firstMissing);

    /**
     * A segment object: its key, size and what the key says about it. An entry the catalog lists holds
     * no key of its own: every key the layout parses is the one it would write for the descriptor
     * ({@link BackupLayout#parseSegmentKey} accepts canonical keys only), so the key is made again when
     * asked for, and a catalog of a million segments keeps about a third of the heap it would with the
     * keys (see {@code PlanningScale}).
     */
    public static final class SegmentEntry {
        private final String key;
        private final BackupLayout layout;
        private final long size;
        private final SegmentDescriptor descriptor;

        /** An entry for an object stored under {@code key}. */
        public SegmentEntry(String key, long size, SegmentDescriptor descriptor) {
            this(Objects.requireNonNull(key), null, size, descriptor);
        }

        private SegmentEntry(String key, BackupLayout layout, long size, SegmentDescriptor descriptor) {
            this.key = key;
            this.layout = layout;
            this.size = size;
            this.descriptor = Objects.requireNonNull(descriptor);
        }

        /** An entry for the object stored under {@code layout.segmentKey(descriptor)}. */
        static SegmentEntry canonical(BackupLayout layout, long size, SegmentDescriptor descriptor) {
            return new SegmentEntry(null, layout, size, descriptor);
        }

        public String key() {
            return key != null ? key : layout.segmentKey(descriptor);
        }

        public long size() {
            return size;
        }

        public SegmentDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SegmentEntry other && size == other.size && descriptor.equals(other.descriptor)
                    && key().equals(other.key());
        }

        @Override
        public int hashCode() {
            return Objects.hash(descriptor, size);
        }

        @Override
        public String toString() {
            return key() + " (" + size + " bytes)";
        }
    }

    /**
     * A partition of the backup set; {@code marked} says whether its partition marker exists;
     * {@code gaps} are its recorded holes in offset order.
     */
    public record PartitionEntry(TopicPartition partition, boolean marked, List<SegmentEntry> segments,
                                 List<OffsetGap> gaps) {

        public long bytes() {
            return segments.stream().mapToLong(SegmentEntry::size).sum();
        }
    }

    private final String description;
    private final Predicate<TopicPartition> scope;
    private final SortedMap<String, SortedMap<Integer, PartitionEntry>> topics = new TreeMap<>();
    private final List<StoredObject> unrecognized = new ArrayList<>();
    private final List<StoredObject> placeholders = new ArrayList<>();
    private final Map<String, String> topicNames = new HashMap<>();
    private final Map<TopicPartition, Long> listedFrom = new HashMap<>();

    private BackupCatalog(ObjectStore store, BackupLayout layout, Predicate<TopicPartition> scope) {
        this.description = store.describe() + " prefix '" + layout.prefix() + "'";
        this.scope = scope;
    }

    /**
     * The names of every topic with partition markers, segments or recorded gaps in the backup set,
     * from three listings of folders (never of every segment). A name may turn out to hold nothing but folder placeholders:
     * {@link #topics()} of a catalog loaded for it is the final word.
     */
    public static SortedSet<String> topicNames(ObjectStore store, BackupLayout layout) throws IOException {
        SortedSet<String> names = new TreeSet<>();
        for (String folders : List.of(layout.partitionMarkersPrefix(), layout.segmentsPrefix(), layout.gapsPrefix())) {
            for (String folder : store.listFolder(folders).folders()) {
                String name = folder.substring(folders.length(), folder.length() - 1);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** The whole backup set: one listing each of the markers, segments and gaps folders. */
    public static BackupCatalog load(ObjectStore store, BackupLayout layout) throws IOException {
        BackupCatalog catalog = new BackupCatalog(store, layout, tp -> true);
        catalog.addMarkers(store.list(layout.partitionMarkersPrefix()), layout);
        catalog.addSegments(store, layout.segmentsPrefix(), layout);
        catalog.addGaps(store.list(layout.gapsPrefix()), layout, key -> true);
        catalog.sort();
        return catalog;
    }

    /**
     * The given topics of the backup set: two listings per topic (its markers and segments), one of gaps,
     * and one level of each of the layout's folders, for objects that lie in no topic's folder.
     */
    public static BackupCatalog load(ObjectStore store, BackupLayout layout, Collection<String> topicNames)
            throws IOException {
        Set<String> selected = new TreeSet<>(topicNames);
        BackupCatalog catalog = new BackupCatalog(store, layout, tp -> selected.contains(tp.topic()));
        for (String folder : List.of(layout.partitionMarkersPrefix(), layout.segmentsPrefix(), layout.gapsPrefix())) {
            store.listFolder(folder).objects().forEach(catalog::stray);
        }
        for (String topic : selected) {
            catalog.addMarkers(store.list(layout.partitionMarkersPrefix(topic)), layout);
            catalog.addSegments(store, layout.segmentsPrefix(topic), layout);
        }
        catalog.addGaps(store.list(layout.gapsPrefix()), layout,
                key -> selected.stream().anyMatch(topic -> key.startsWith(layout.gapsPrefix(topic))));
        catalog.sort();
        return catalog;
    }

    /**
     * The segments and gaps of the given partitions (no markers): one listing per partition and one of
     * gaps, for a restore task that restores only these.
     */
    public static BackupCatalog loadPartitions(ObjectStore store, BackupLayout layout,
                                               Collection<TopicPartition> partitions) throws IOException {
        Map<TopicPartition, Long> fromStart = new HashMap<>();
        partitions.forEach(tp -> fromStart.put(tp, 0L));
        return loadPartitions(store, layout, fromStart);
    }

    /**
     * Like {@link #loadPartitions(ObjectStore, BackupLayout, Collection)}, for a reader that needs each
     * partition from an offset on (a resumed restore): a partition needed from offset {@code from > 0}
     * lists its segments from a bound that anchors {@code from} ({@link AnchoredListing}, first bound
     * {@link AnchoredListing#FIRST_LOOK_BACK} below it). The catalog then lacks the partition's segments
     * that start before the bound, and the unrecognized objects that sort before it; {@link #listedFrom}
     * says where its listing started. A reader that finds a break there confirms it on the whole listing:
     * the segment a link names may start before the bound.
     */
    public static BackupCatalog loadPartitions(ObjectStore store, BackupLayout layout,
                                               Map<TopicPartition, Long> fromOffsets) throws IOException {
        Set<TopicPartition> selected = Set.copyOf(fromOffsets.keySet());
        BackupCatalog catalog = new BackupCatalog(store, layout, selected::contains);
        for (TopicPartition tp : selected) {
            long from = fromOffsets.get(tp);
            if (from <= 0) {
                catalog.addSegments(store, layout.segmentsPrefix(tp), layout);
                catalog.listedFrom.put(tp, 0L);
            } else { // from a bound near the offset, or (not anchored) the whole listing; streamed either way
                int strays = catalog.unrecognized.size();
                int placeholders = catalog.placeholders.size();
                long bound = AnchoredListing.stream(store, layout, tp, from, from - AnchoredListing.FIRST_LOOK_BACK,
                        from, new AnchoredListing.Receiver() {
                            @Override
                            public void accept(StoredObject object) {
                                catalog.addSegment(object, layout);
                            }

                            @Override
                            public void restart() {
                                catalog.forgetSegments(tp, strays, placeholders);
                            }
                        });
                catalog.listedFrom.put(tp, bound);
            }
        }
        catalog.addGaps(store.list(layout.gapsPrefix()), layout,
                key -> selected.stream().anyMatch(tp -> key.startsWith(layout.gapsPrefix(tp))));
        catalog.sort();
        return catalog;
    }

    /** True for a console's "folder": a zero-byte object whose key ends with '/'. */
    public static boolean isFolderPlaceholder(StoredObject object) {
        return object.key().endsWith("/") && object.size() == 0;
    }

    private void addMarkers(List<StoredObject> markers, BackupLayout layout) {
        for (StoredObject marker : markers) {
            Optional<TopicPartition> tp = layout.parsePartitionMarker(marker.key());
            if (tp.isPresent()) {
                partition(tp.get(), true);
            } else {
                stray(marker);
            }
        }
    }

    /** The segments under {@code prefix}, streamed in any order: no listing of them is held, only their entries. */
    private void addSegments(ObjectStore store, String prefix, BackupLayout layout) throws IOException {
        store.forEachObject(prefix, "", object -> addSegment(object, layout));
    }

    /** Drops the partition's segments and the stray objects found since the given counts. */
    private void forgetSegments(TopicPartition tp, int strays, int placeholderCount) {
        PartitionEntry entry = partitions(tp.topic()).get(tp.partition());
        if (entry != null) {
            entry.segments().clear();
        }
        unrecognized.subList(strays, unrecognized.size()).clear();
        placeholders.subList(placeholderCount, placeholders.size()).clear();
    }

    private void addSegment(StoredObject object, BackupLayout layout) {
        Optional<SegmentDescriptor> segment = layout.parseSegmentKey(object.key());
        if (segment.isPresent()) {
            SegmentDescriptor d = sharingTopicName(segment.get());
            partition(d.topicPartition(), false).segments().add(SegmentEntry.canonical(layout, object.size(), d));
        } else {
            stray(object);
        }
    }

    private void addGaps(List<StoredObject> objects, BackupLayout layout, Predicate<String> inScope) {
        for (StoredObject object : objects) {
            Optional<OffsetGap> gap = layout.parseGapKey(object.key());
            if (gap.isPresent() && scope.test(gap.get().partition())) {
                partition(gap.get().partition(), false).gaps().add(gap.get());
            } else if (gap.isEmpty() && inScope.test(object.key())) {
                stray(object);
            }
        }
    }

    /** The descriptor with this catalog's one copy of its topic's name, not one per key parsed. */
    private SegmentDescriptor sharingTopicName(SegmentDescriptor d) {
        String shared = topicNames.computeIfAbsent(d.topic(), name -> name);
        return shared == d.topic() ? d : new SegmentDescriptor(shared, d.partition(), d.firstOffset(), d.lastOffset(),
                d.previousLastOffset(), d.minTimestamp(), d.maxTimestamp());
    }

    private void stray(StoredObject object) {
        (isFolderPlaceholder(object) ? placeholders : unrecognized).add(object);
    }

    private PartitionEntry partition(TopicPartition tp, boolean marked) {
        SortedMap<Integer, PartitionEntry> partitions = topics.computeIfAbsent(tp.topic(), t -> new TreeMap<>());
        PartitionEntry entry = partitions.get(tp.partition());
        if (entry == null || (marked && !entry.marked())) {
            entry = entry == null ? new PartitionEntry(tp, marked, new ArrayList<>(), new ArrayList<>())
                    : new PartitionEntry(tp, marked, entry.segments(), entry.gaps());
            partitions.put(tp.partition(), entry);
        }
        return entry;
    }

    /** Key order for what the listings handed out in any order (segments are streamed). */
    private void sort() {
        Comparator<StoredObject> byKey = Comparator.comparing(StoredObject::key, FilesystemObjectStore.KEY_ORDER);
        unrecognized.sort(byKey);
        placeholders.sort(byKey);
        Comparator<SegmentEntry> order = Comparator.comparing(SegmentEntry::descriptor, SEGMENT_ORDER)
                .thenComparing(SegmentEntry::key, FilesystemObjectStore.KEY_ORDER); // same range: as listed on S3
        topics.values().forEach(partitions -> partitions.values().forEach(p -> {
            p.segments().sort(order);
            p.gaps().sort(GAP_ORDER);
        }));
    }

    /** "filesystem:/x prefix 'p/'", for messages and headings. */
    public String description() {
        return description;
    }

    public Set<String> topics() {
        return topics.keySet();
    }

    /**
     * The first offset from which the partition's segments were listed: 0 when all of them were (always,
     * but for {@link #loadPartitions(ObjectStore, BackupLayout, Map)} of a partition needed from an offset on).
     */
    public long listedFrom(TopicPartition tp) {
        return listedFrom.getOrDefault(tp, 0L);
    }

    /** True when this catalog was loaded for the partition (the whole set, its topic, or itself). */
    public boolean covers(TopicPartition tp) {
        return scope.test(tp);
    }

    /** The topic's partitions by number (empty when the topic is not in the backup set). */
    public SortedMap<Integer, PartitionEntry> partitions(String topic) {
        return topics.getOrDefault(topic, new TreeMap<>());
    }

    /**
     * A bound on the smallest timestamp a restore of {@code range} writes of the topic: the smallest
     * timestamp of the segments that can hold records of the range (see {@link #segmentsWithin}). Not
     * {@code range.start()}: a record after the start cut can be older than the start, and it is
     * restored.
     */
    public OptionalLong oldestTimestamp(String topic, TimeRange range) {
        return timestamps(topic, range, SegmentDescriptor::minTimestamp).min();
    }

    /** A bound on the largest timestamp a restore of {@code range} writes of the topic (see {@link #segmentsWithin}). */
    public OptionalLong newestTimestamp(String topic, TimeRange range) {
        return timestamps(topic, range, SegmentDescriptor::maxTimestamp).max();
    }

    /**
     * The segments of a partition (in offset order) that can hold records of {@code range}: from the
     * first one that can hold the start cut (see {@link TimeRange#segmentBeforeStart}) up to and
     * including the first one after it whose records are all at or after the end (the end cut is at
     * or before its last record). Segments before them hold only records before the start cut,
     * segments after them only records after the end cut (a replayed segment that overlaps the last
     * one may be included: the bound is conservative).
     */
    public static List<SegmentDescriptor> segmentsWithin(PartitionEntry partition, TimeRange range) {
        List<SegmentDescriptor> within = new ArrayList<>();
        for (SegmentEntry entry : partition.segments()) {
            SegmentDescriptor segment = entry.descriptor();
            if (within.isEmpty() && range.segmentBeforeStart(segment)) {
                continue;
            }
            within.add(segment);
            if (range.segmentFromEnd(segment)) {
                break;
            }
        }
        return within;
    }

    private LongStream timestamps(String topic, TimeRange range, ToLongFunction<SegmentDescriptor> timestamp) {
        return partitions(topic).values().stream()
                .flatMap(p -> segmentsWithin(p, range).stream())
                .mapToLong(timestamp)
                .filter(ts -> ts != SegmentDescriptor.NONE);
    }

    /**
     * Objects under the layout's folders whose keys are not markers, segments or gaps of this layout,
     * folder placeholders excepted.
     */
    public List<StoredObject> unrecognized() {
        return List.copyOf(unrecognized);
    }

    /** Zero-byte folder placeholders (keys ending with '/') under the layout's folders. */
    public List<StoredObject> placeholders() {
        return List.copyOf(placeholders);
    }

    /** True when the backup set holds nothing at all (placeholders aside). */
    public boolean isEmpty() {
        return topics.isEmpty() && unrecognized.isEmpty();
    }
}
