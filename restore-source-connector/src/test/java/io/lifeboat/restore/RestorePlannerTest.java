package io.lifeboat.restore;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.FilesystemObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
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
        assertEquals(10, plan.catalog().oldestTimestamp("orders").orElseThrow());
    }

    @Test
    void selectionAndRenames() {
        RestorePlanner.RestorePlan plan = plan(config("restore.topics", "orders",
                "restore.topic.mapping", "orders:orders-restored"));
        assertEquals(List.of(new RestorePlanner.TopicPlan("orders", "orders-restored", 3)), plan.topics());
    }

    @Test
    void mistakesNameWhatIsWrong() throws IOException {
        assertMessage(config("restore.topics", "orders,invoices"), "restore.topics names [invoices]");
        assertMessage(config("restore.topics", "orders", "restore.topic.mapping", "payments:p2"),
                "restore.topic.mapping renames [payments]");
        assertMessage(config("restore.topic.mapping", "orders:payments"), "would both be restored into payments");
        assertMessage(config("storage.prefix", "typo/"), "No backed-up topics found");

        store.put("set1/segments/orders/000001/stray.bin", new byte[1]);
        assertMessage(config(), "set1/segments/orders/000001/stray.bin");
        plan(config("restore.topics", "payments")); // the stray object is not under a selected topic
    }

    private void assertMessage(Map<String, String> props, String expected) {
        ConnectException e = assertThrows(ConnectException.class, () -> plan(props));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
