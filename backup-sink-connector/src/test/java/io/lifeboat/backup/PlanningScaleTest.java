package io.lifeboat.backup;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Planning over 100,000 segments of one partition stays within a heap bound (see {@link PlanningScale}). */
class PlanningScaleTest {

    static final int SEGMENTS = 100_000;

    @Test
    void planningOneHundredThousandSegmentsStaysWithinItsHeapBound(@TempDir Path root) throws Exception {
        List<TopicPartition> partitions = PlanningScale.create(root, SEGMENTS, 1);
        for (PlanningScale.Figure figure : PlanningScale.measure(root, partitions)) {
            System.out.println(figure);
            assertTrue(figure.retainedBytes() < BYTES_PER_SEGMENT * SEGMENTS, figure.toString());
        }
    }

    static final long BYTES_PER_SEGMENT = 200; // measured: about 105 (restore catalog + chain), 116 (backup chain)
}
