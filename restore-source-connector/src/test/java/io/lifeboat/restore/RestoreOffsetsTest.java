package io.lifeboat.restore;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RestoreOffsetsTest {

    /** Connect re-reads stored keys into HashMaps; our maps must iterate the same way to match bytes. */
    @Test
    void sourcePartitionIteratesInTheOrderConnectReadsItBack() {
        Map<String, Object> ours = RestoreOffsets.sourcePartition(new TopicPartition("orders", 3));
        Map<String, Object> readBack = new HashMap<>();
        List<String> reversed = new ArrayList<>(ours.keySet());
        Collections.reverse(reversed);
        reversed.forEach(k -> readBack.put(k, ours.get(k)));
        assertEquals(List.copyOf(readBack.keySet()), List.copyOf(ours.keySet()));
    }

    @Test
    void progressReadsCommittedOffsets() {
        assertEquals(new RestoreOffsets.Progress(41, true),
                RestoreOffsets.Progress.from(RestoreOffsets.sourceOffset(41, true)));
        assertEquals(RestoreOffsets.Progress.NONE, RestoreOffsets.Progress.from(null));
        assertEquals(new RestoreOffsets.Progress(7, false), RestoreOffsets.Progress.from(Map.of("offset", 7)));
    }
}
