package io.lifeboat.core.layout;

import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ForwardingStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupCatalogTest {

    private final BackupLayout layout = new BackupLayout("set1/");
    private FilesystemObjectStore store;

    @BeforeEach
    void backupSet(@TempDir Path root) throws IOException {
        store = new FilesystemObjectStore(root);
        for (int p = 0; p < 4; p++) {
            store.put(layout.partitionMarkerKey(new TopicPartition("orders", p)), new byte[0]);
        }
        store.put(layout.partitionMarkerKey(new TopicPartition("order", 0)), new byte[0]);
        // Stored out of order on purpose; the catalog hands them out in offset order.
        segment("orders", 1, 100, 199, 99, 5_000, 6_000, 300);
        segment("orders", 1, 0, 99, SegmentDescriptor.NONE, 1_000, 2_000, 200);
        segment("orders", 2, 0, 9, SegmentDescriptor.NONE, SegmentDescriptor.NONE, SegmentDescriptor.NONE, 50);
        segment("order", 0, 0, 0, SegmentDescriptor.NONE, 500, 500, 10);
        segment("unmarked", 0, 0, 4, SegmentDescriptor.NONE, 7_000, 8_000, 20);
        store.put("set1/segments/orders/000001/notes.txt", new byte[3]);
        store.put("other-set/partitions/orders/000009", new byte[0]);
    }

    private void segment(String topic, int partition, long first, long last, long prev, long minTs, long maxTs,
                         int size) throws IOException {
        store.put(layout.segmentKey(new SegmentDescriptor(topic, partition, first, last, prev, minTs, maxTs)),
                new byte[size]);
    }

    @Test
    void wholeSetHasEveryPartitionSegmentAndStrayObject() throws IOException {
        BackupCatalog catalog = BackupCatalog.load(store, layout);

        assertEquals(Set.of("order", "orders", "unmarked"), catalog.topics());
        BackupSetCheck check = BackupSetCheck.of(catalog, Map.of());
        assertEquals(4, check.partitionCount("orders"), "partitions without records count through their markers");
        assertEquals(0, check.partitionCount("absent"));
        var orders = catalog.partitions("orders");
        assertTrue(orders.get(0).segments().isEmpty());
        assertTrue(orders.get(0).marked());
        List<Long> firstOffsets = orders.get(1).segments().stream().map(s -> s.descriptor().firstOffset()).toList();
        assertEquals(List.of(0L, 100L), firstOffsets);
        assertEquals(500, orders.get(1).bytes());
        assertFalse(catalog.partitions("unmarked").get(0).marked(), "a segment without a marker is still listed");
        assertEquals(List.of("set1/segments/orders/000001/notes.txt"),
                catalog.unrecognized().stream().map(StoredObject::key).toList());
        assertFalse(catalog.isEmpty());
    }

    @Test
    void selectedTopicsOnlyAndTheirTimestamps() throws IOException {
        BackupCatalog catalog = BackupCatalog.load(store, layout, List.of("order"));

        assertEquals(Set.of("order"), catalog.topics(), "'order' must not pick up 'orders'");
        assertTrue(catalog.unrecognized().isEmpty());
        assertEquals(500, catalog.oldestTimestamp("order", TimeRange.ALL).orElseThrow());

        BackupCatalog orders = BackupCatalog.load(store, layout, List.of("orders"));
        assertEquals(1_000, orders.oldestTimestamp("orders", TimeRange.ALL).orElseThrow());
        assertEquals(6_000, orders.newestTimestamp("orders", TimeRange.ALL).orElseThrow(), "segments without timestamps are skipped");

        TimeRange before = new TimeRange(OptionalLong.empty(), OptionalLong.of(5_000));
        assertEquals(1_000, orders.oldestTimestamp("orders", before).orElseThrow());
        assertEquals(6_000, orders.newestTimestamp("orders", before).orElseThrow(),
                "the segment that holds the end cut is written up to its cut: bounded by its key");
        TimeRange after = new TimeRange(OptionalLong.of(2_001), OptionalLong.empty());
        assertEquals(5_000, orders.oldestTimestamp("orders", after).orElseThrow(),
                "segments wholly before the start are not restored");
        assertTrue(orders.oldestTimestamp("orders", new TimeRange(OptionalLong.of(9_000), OptionalLong.empty()))
                .isEmpty(), "nothing is restored");
        assertEquals(1, orders.unrecognized().size());
    }

    @Test
    void topicNamesComeFromTheFoldersOfMarkersAndSegments() throws IOException {
        assertEquals(Set.of("order", "orders", "unmarked"), BackupCatalog.topicNames(store, layout),
                "a topic whose markers are gone still counts through its segments");
        assertTrue(BackupCatalog.load(store, new BackupLayout("nothing-here/")).isEmpty());
    }

    @Test
    void aTopicWithOnlyRecordedGapsIsATopicOfTheSet() throws IOException {
        store.put(layout.gapKey(new OffsetGap(new TopicPartition("emptied", 0), 0, 99)), new byte[1]);
        assertTrue(BackupCatalog.topicNames(store, layout).contains("emptied"),
                "verify lists it, so a restore must accept it by name");
        assertEquals(Set.of("emptied"), BackupCatalog.load(store, layout, List.of("emptied")).topics());
    }

    @Test
    void gapsBelongToTheirPartitionAndAreNotUnrecognized() throws IOException {
        OffsetGap gap = new OffsetGap(new TopicPartition("orders", 1), 200, 299);
        store.put(layout.gapKey(gap), gap.content(-1, 0));
        store.put(layout.gapKey(new OffsetGap(new TopicPartition("order", 0), 1, 1)), new byte[1]);
        store.put("set1/gaps/orders/000001/not-a-gap", new byte[1]);

        BackupCatalog whole = BackupCatalog.load(store, layout);
        assertEquals(List.of(gap), whole.partitions("orders").get(1).gaps());
        assertEquals(List.of("set1/gaps/orders/000001/not-a-gap", "set1/segments/orders/000001/notes.txt"),
                whole.unrecognized().stream().map(StoredObject::key).toList(), "in key order");

        BackupCatalog order = BackupCatalog.load(store, layout, List.of("order"));
        assertEquals(1, order.partitions("order").get(0).gaps().size());
        assertTrue(order.partitions("orders").isEmpty(), "gaps of topics not loaded stay out");
        assertTrue(order.unrecognized().isEmpty());

        BackupCatalog partition = BackupCatalog.loadPartitions(store, layout, List.of(new TopicPartition("orders", 1)));
        assertEquals(List.of(gap), partition.partitions("orders").get(1).gaps());
        assertEquals(2, partition.partitions("orders").get(1).segments().size());
        assertEquals(2, partition.unrecognized().size());
    }

    @Test
    void folderPlaceholdersAreKeptApartFromUnrecognizedObjects() throws IOException {
        ForwardingStore s3Like = new ForwardingStore(store).withPlaceholder("set1/segments/")
                .withPlaceholder("set1/segments/orders/").withPlaceholder("set1/segments/orders/000001/")
                .withPlaceholder("set1/segments/empty/");
        BackupCatalog catalog = BackupCatalog.load(s3Like, layout);
        assertEquals(List.of("set1/segments/orders/000001/notes.txt"),
                catalog.unrecognized().stream().map(StoredObject::key).toList());
        assertEquals(4, catalog.placeholders().size());
        assertFalse(catalog.topics().contains("empty"), "a placeholder is no topic");
        assertTrue(BackupCatalog.topicNames(s3Like, layout).contains("empty"),
                "folder names are only candidates: the catalog decides");
        assertTrue(BackupCatalog.load(s3Like, layout, List.of("empty")).topics().isEmpty());
    }

    @Test
    void aSelectionOfTopicsStillSeesObjectsInNoTopicsFolder() throws IOException {
        store.put("set1/segments/README", new byte[5]);
        store.put("set1/partitions/notes", new byte[5]);
        BackupCatalog catalog = BackupCatalog.load(new ForwardingStore(store).withPlaceholder("set1/gaps/"), layout,
                List.of("order"));
        assertEquals(List.of("set1/partitions/notes", "set1/segments/README"),
                catalog.unrecognized().stream().map(StoredObject::key).toList());
        assertEquals(1, catalog.placeholders().size());
    }
}
