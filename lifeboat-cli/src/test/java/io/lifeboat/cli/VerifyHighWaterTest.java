package io.lifeboat.cli;

import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.HighWaterMarks;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.FilesystemObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code verify} against high-water marks agrees with what a restore does, overlapping segments included. */
class VerifyHighWaterTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private final BackupLayout layout = new BackupLayout("set/");

    @Test
    void theHighestStoredOffsetMeetsTheMarkWhateverTheSegmentOrder(@TempDir Path root) throws IOException {
        FilesystemObjectStore store = new FilesystemObjectStore(root);
        segment(store, 0, 120, SegmentDescriptor.NONE);
        segment(store, 0, 199, SegmentDescriptor.NONE); // a replayed backup covering more
        segment(store, 121, 180, 120);
        BackupCatalog catalog = BackupCatalog.load(store, layout);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

        assertEquals(0, VerifyCommand.checkHighWaterMarks(catalog, Map.of(TP, new HighWaterMarks.Mark(199, "k")), print),
                out.toString(StandardCharsets.UTF_8));
        assertEquals(1, VerifyCommand.checkHighWaterMarks(catalog, Map.of(TP, new HighWaterMarks.Mark(250, "k")), print));
        assertEquals(1, VerifyCommand.checkHighWaterMarks(catalog,
                Map.of(new TopicPartition("gone", 3), new HighWaterMarks.Mark(0, "k")), print));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("MISSING  orders-0: k records offset 250 as stored, but the newest segment ends at "
                + "offset 199"), text);
        assertTrue(text.contains("MISSING  gone-3: k records offset 0 as stored, but the newest segment does not exist"),
                text);
    }

    private void segment(FilesystemObjectStore store, long first, long last, long prev) throws IOException {
        store.put(layout.segmentKey(new SegmentDescriptor(TP.topic(), TP.partition(), first, last, prev, 1, 2)),
                new byte[1]);
    }
}
