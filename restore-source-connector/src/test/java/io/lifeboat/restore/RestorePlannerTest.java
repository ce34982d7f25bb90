package io.lifeboat.restore;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.HighWaterMarks;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.layout.TimeRange;
import io.lifeboat.core.storage.FilesystemObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestorePlannerTest {

    private final BackupLayout layout = new BackupLayout("set1/");
    private Path root;
    private FilesystemObjectStore store;

    @BeforeEach
    void backupSet(@TempDir Path root) throws IOException {
        this.root = root;
        store = new FilesystemObjectStore(root);
        for (int p = 0; p < 3; p++) {
            store.put(layout.partitionMarkerKey(new TopicPartition("orders", p)), new byte[0]);
        }
        store.put(layout.partitionMarkerKey(new TopicPartition("payments", 0)), new byte[0]);
        store.put(layout.segmentKey(new SegmentDescriptor("orders", 1, 0, 9, SegmentDescriptor.NONE, 10, 20)),
                new byte[1]);
    }

    private Map<String, String> config(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("storage.backend", "filesystem");
        props.put("filesystem.root", root.toString());
        props.put("storage.prefix", "set1/");
        props.put("target.cluster.bootstrap.servers", "localhost:9092");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    private RestorePlanner.RestorePlan plan(Map<String, String> props) {
        return RestorePlanner.plan(new RestoreSourceConfig(props), store);
    }

    @Test
    void everyTopicByDefaultWithEveryPartitionIncludingEmptyOnes() {
        RestorePlanner.RestorePlan plan = plan(config());
        assertEquals(List.of(new RestorePlanner.TopicPlan("orders", "orders", 3),
                new RestorePlanner.TopicPlan("payments", "payments", 1)), plan.topics());
        assertEquals(4, plan.partitions().size());
        assertEquals(10, plan.catalog().oldestTimestamp("orders", TimeRange.ALL).orElseThrow());
    }

    @Test
    void selectionAndRenames() {
        RestorePlanner.RestorePlan plan = plan(config("restore.topics", "orders",
                "restore.topic.mapping", "orders:orders-restored"));
        assertEquals(List.of(new RestorePlanner.TopicPlan("orders", "orders-restored", 3)), plan.topics());
    }

    @Test
    void mistakesNameWhatIsWrongAndTheKeyToFix() throws IOException {
        assertMistake(config("restore.topics", "orders,invoices"), "restore.topics", "restore.topics names [invoices]");
        assertMistake(config("restore.topics", "orders", "restore.topic.mapping", "payments:p2"),
                "restore.topic.mapping", "restore.topic.mapping renames [payments]");
        assertMistake(config("restore.topic.mapping", "orders:payments"), "restore.topic.mapping",
                "would both be restored into payments");
        assertMistake(config("storage.prefix", "typo/"), "storage.prefix", "No backed-up topics found");

        store.put("set1/segments/orders/000001/stray.bin", new byte[1]);
        assertMistake(config(), "storage.prefix", "set1/segments/orders/000001/stray.bin");
        assertEquals(1, plan(config("restore.topics", "payments")).topics().size(),
                "the stray object is not under a selected topic");
    }

    @Test
    void aTopicWhoseMarkersAreGoneIsRestoredWithAWarning() throws IOException {
        store.put(layout.segmentKey(new SegmentDescriptor("lost", 2, 0, 9, SegmentDescriptor.NONE, 10, 20)),
                new byte[1]);
        store.put(layout.partitionMarkerKey(new TopicPartition("half", 0)), new byte[0]);
        store.put(layout.segmentKey(new SegmentDescriptor("half", 3, 0, 9, SegmentDescriptor.NONE, 10, 20)),
                new byte[1]);
        try (Warnings warnings = new Warnings(RestorePlanner.class)) {
            RestorePlanner.RestorePlan plan = plan(config());
            assertEquals(List.of(new RestorePlanner.TopicPlan("half", "half", 4),
                    new RestorePlanner.TopicPlan("lost", "lost", 3), new RestorePlanner.TopicPlan("orders", "orders", 3),
                    new RestorePlanner.TopicPlan("payments", "payments", 1)), plan.topics());
            assertEquals(List.of(new RestorePlanner.TopicPlan("lost", "lost", 3)),
                    plan(config("restore.topics", "lost")).topics());
            String text = String.join("\n", warnings.lines());
            assertTrue(text.contains("Topic lost: partitions [2] have no partition marker"), text);
            assertTrue(text.contains("Topic half: partitions [3] have no partition marker"), text);
            assertTrue(text.contains("highest partition seen + 1 = 4: partitions that have neither a marker nor "
                    + "segments cannot be known"), text);
        }
    }

    @Test
    void aTopicKnownOnlyFromItsHighWaterMarksIsPartOfADefaultRestore() throws IOException {
        // every marker and segment of "invoices" is gone; the backup's high-water object still says that
        // offsets up to 41 of partition 1 were stored: the restore must not leave the topic out silently
        store.put(layout.highWaterKey("backup", 0), HighWaterMarks.encode(Map.of(new TopicPartition("invoices", 1), 41L)));
        RestorePlanner.RestorePlan plan = plan(config());
        assertTrue(plan.topics().contains(new RestorePlanner.TopicPlan("invoices", "invoices", 2)), plan.topics().toString());
        assertEquals(List.of(new RestorePlanner.TopicPlan("invoices", "invoices", 2)),
                plan(config("restore.topics", "invoices")).topics());
    }

    @Test
    void validateAcceptsATopicWhoseMarkersAreGone() throws IOException {
        store.put(layout.segmentKey(new SegmentDescriptor("lost", 0, 0, 9, SegmentDescriptor.NONE, 10, 20)),
                new byte[1]);
        Map<String, String> props = config("restore.topics", "lost");
        props.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        props.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        props.put("connector.class", RestoreSourceConnector.class.getName());
        props.put("name", "restore");
        List<String> errors = new RestoreSourceConnector().validate(props).configValues().stream()
                .flatMap(v -> v.errorMessages().stream().map(m -> v.name() + ": " + m)).toList();
        assertEquals(List.of(), errors);
        props.put("restore.topics", "absent");
        errors = new RestoreSourceConnector().validate(props).configValues().stream()
                .flatMap(v -> v.errorMessages().stream()).toList();
        assertTrue(errors.toString().contains("it holds [lost, orders, payments]"), errors.toString());
    }

    private void assertMistake(Map<String, String> props, String key, String expected) {
        RestorePlanner.PlanException e = assertThrows(RestorePlanner.PlanException.class, () -> plan(props));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(key, e.configKey(), e.getMessage());
    }
}
