package io.lifeboat.restore;

import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.layout.DamagedSets;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connect calls stop() of a source task only when its start() returned: a start that fails after
 * it opened its work folder must close it itself, or the folder stays held (and heartbeated, so
 * never removed) for the worker's lifetime.
 */
class RestoreSourceTaskStartTest {

    @TempDir
    Path dir;

    @Test
    void aStartRefusedForAStrayObjectLeavesNoWorkFolderBehind() throws IOException {
        DamagedSets.write(dir.resolve("sets"));
        Path workParent = dir.resolve("lifeboat-restore");
        Map<String, String> props = new HashMap<>();
        props.put("name", "restore");
        props.put(StorageConfig.BACKEND, "filesystem");
        props.put(StorageConfig.FILESYSTEM_ROOT, dir.resolve("sets").resolve("partition-stray").toString());
        props.put(StorageConfig.PREFIX, "set");
        props.put(RestoreSourceConfig.TARGET_BOOTSTRAP_SERVERS, "localhost:9");
        props.put(RestoreSourceConfig.TASK_PARTITIONS, TaskAssignment.encode(List.of(
                new TopicPartition(DamagedSets.TOPIC, 0), new TopicPartition(DamagedSets.TOPIC, 1))));
        RestoreSourceTask task = new RestoreSourceTask(workParent);
        task.initialize(new NoOffsetsContext());

        ConnectException e = assertThrows(ConnectException.class, () -> task.start(props));

        assertTrue(e.getMessage().contains("set/segments/orders/000001/notes.txt"), e.getMessage());
        assertTrue(Files.isDirectory(workParent), "the task got as far as creating its work folder");
        try (Stream<Path> left = Files.list(workParent)) {
            assertEquals(List.of(), left.toList(), "the failed start left its work folder behind");
        }
    }

    /** A task that never committed an offset. */
    static final class NoOffsetsContext implements SourceTaskContext {
        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return new OffsetStorageReader() {
                @Override
                public <T> Map<String, Object> offset(Map<String, T> partition) {
                    return null;
                }

                @Override
                public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                    return Map.of();
                }
            };
        }

        @Override
        public PluginMetrics pluginMetrics() {
            throw new UnsupportedOperationException("not used by the restore task");
        }
    }
}
