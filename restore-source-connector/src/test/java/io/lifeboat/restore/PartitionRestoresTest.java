package io.lifeboat.restore;

import io.lifeboat.core.layout.DamagedSets;
import io.lifeboat.core.layout.DamagedSets.DamagedSet;
import io.lifeboat.core.layout.TimeRange;
import io.lifeboat.core.segment.SegmentFetcher;
import io.lifeboat.core.storage.ForwardingStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionRestoresTest {

    private static final TopicPartition P0 = new TopicPartition(DamagedSets.TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(DamagedSets.TOPIC, 1);

    @TempDir
    Path dir;

    private List<PartitionRestore> open(DamagedSet set, Map<TopicPartition, RestoreOffsets.Progress> progress)
            throws IOException {
        return PartitionRestores.open(set.store(), DamagedSets.LAYOUT, TopicMapping.parse(List.of()), List.of(P0, P1),
                progress, TimeRange.ALL, tp -> SegmentPrefetcher.Source.direct(
                        new SegmentFetcher(set.store(), DamagedSets.LAYOUT, dir)));
    }

    private static DamagedSet find(List<DamagedSet> sets, String name) {
        return sets.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void eachRecordedGapIsLoggedOnceAtStartAndRestoredAround() throws IOException {
        DamagedSet gap = find(DamagedSets.write(dir.resolve("sets")), "recorded gap");
        List<Long> offsets = new ArrayList<>();
        try (Warnings warnings = new Warnings(PartitionRestores.class)) {
            PartitionRestore p0 = open(gap, Map.of()).get(0);
            assertEquals(1, warnings.lines().size(), warnings.lines().toString());
            String warning = warnings.lines().get(0);
            assertTrue(warning.contains("The backup of orders-0 has a recorded gap: offsets 5..9 (5 offsets, "
                    + "set/gaps/orders/000000/00000000000000000005-00000000000000000009) were never delivered"), warning);
            for (List<SourceRecord> batch = p0.poll(3); !batch.isEmpty(); batch = p0.poll(3)) {
                batch.forEach(r -> offsets.add((Long) r.sourceOffset().get(RestoreOffsets.OFFSET)));
            }
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 10L, 11L, 12L, 13L, 14L), offsets);
            assertTrue(p0.isComplete());
            assertEquals(1, warnings.lines().size(), "logged once, not per poll");

            open(gap, Map.of(P0, new RestoreOffsets.Progress(10, false)));
            assertEquals(1, warnings.lines().size(), "a restore resumed past the gap does not warn again");
        }
    }

    @Test
    void aStrayInAPartitionsFolderRefusesTheTaskNamingItAndAPlaceholderDoesNot() throws IOException {
        List<DamagedSet> sets = DamagedSets.write(dir.resolve("sets"));
        ConnectException e = assertThrows(ConnectException.class,
                () -> open(find(sets, "stray in a partition's folder"), Map.of()));
        assertTrue(e.getMessage().contains("set/segments/orders/000001/notes.txt (3 bytes) is not a Lifeboat"),
                e.getMessage());
        DamagedSet intact = find(sets, "intact");
        DamagedSet placeholder = new DamagedSet("placeholder", new ForwardingStore(intact.store())
                .withPlaceholder("set/segments/orders/000000/"), true, 13, null);
        assertEquals(2, open(placeholder, Map.of()).size(), "before, a placeholder in a partition's folder "
                + "stopped the task as 'not a Lifeboat segment'");
    }
}
