package io.lifeboat.core.layout;

import io.lifeboat.core.storage.FilesystemObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HighWaterMarksTest {

    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private final BackupLayout layout = new BackupLayout("set1/");

    @Test
    void encodesAndDecodes() throws IOException {
        Map<TopicPartition, Long> marks = Map.of(ORDERS_1, 7L, ORDERS_0, 12_345_678_901L);
        byte[] content = HighWaterMarks.encode(marks);
        String text = new String(content, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("# Lifeboat high-water marks v1"), text);
        assertTrue(text.endsWith("orders\t0\t12345678901\norders\t1\t7\n"), text);
        assertEquals(marks, HighWaterMarks.decode(content, "k"));
    }

    @Test
    void unreadableLineNamesTheObjectAndLine() {
        byte[] content = "# Lifeboat high-water marks v1: x\norders\t0\t5\norders\tzero\t5\n"
                .getBytes(StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> HighWaterMarks.decode(content, "set1/high-water/b/task-0"));
        assertTrue(e.getMessage().contains("set1/high-water/b/task-0 line 3"), e.getMessage());
    }

    @Test
    void contentOfAnotherKindIsUnreadable() {
        byte[] content = "orders\t0\t5\n".getBytes(StandardCharsets.UTF_8);
        IOException e = assertThrows(HighWaterMarks.UnreadableMarksException.class,
                () -> HighWaterMarks.decode(content, "set1/high-water/b/task-0"));
        assertTrue(e.getMessage().contains("not written by this version"), e.getMessage());
    }

    @Test
    void theHighestMarkOfEveryWriterWins(@TempDir Path root) throws IOException {
        FilesystemObjectStore store = new FilesystemObjectStore(root);
        String task0 = layout.highWaterKey("backup one", 0);
        String task1 = layout.highWaterKey("backup one", 1);
        assertEquals("set1/high-water/backup+one/task-0", task0);
        store.put(task0, HighWaterMarks.encode(Map.of(ORDERS_0, 10L, ORDERS_1, 3L)));
        store.put(task1, HighWaterMarks.encode(Map.of(ORDERS_0, 20L)));
        store.put("set1/high-water/notes.txt", "written by hand".getBytes(StandardCharsets.UTF_8));

        Map<TopicPartition, HighWaterMarks.Mark> all = HighWaterMarks.readAll(store, layout);
        assertEquals(new HighWaterMarks.Mark(20, task1), all.get(ORDERS_0));
        assertEquals(new HighWaterMarks.Mark(3, task0), all.get(ORDERS_1));
        assertEquals(Map.of(ORDERS_0, 20L), HighWaterMarks.read(store, task1));
        assertTrue(HighWaterMarks.read(store, layout.highWaterKey("backup one", 2)).isEmpty());
    }
}
