package io.lifeboat.backup;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Planning over 100,000 segments of one partition stays within a heap bound, and a backup or restore
 * resuming near the chain's end lists and keeps a few segments, not the partition (see {@link PlanningScale}).
 */
class PlanningScaleTest {

    static final int SEGMENTS = 100_000;

    @Test
    void planningOneHundredThousandSegmentsStaysWithinItsHeapBound(@TempDir Path root) throws Exception {
        List<TopicPartition> partitions = PlanningScale.create(root, SEGMENTS, 1);
        for (PlanningScale.Figure figure : PlanningScale.measure(root, partitions, SEGMENTS)) {
            System.out.println(figure);
            if (figure.step().equals(PlanningScale.RESUMED_CHAIN) || figure.step().equals(PlanningScale.RESUMED_RESTORE)) {
                assertTrue(figure.keysListed() <= RESUME_KEYS, figure.toString());
                assertTrue(figure.retainedBytes() < RESUME_BYTES, figure.toString());
            } else {
                assertTrue(figure.retainedBytes() < BYTES_PER_SEGMENT * SEGMENTS, figure.toString());
                assertTrue(figure.keysListed() >= SEGMENTS, figure.toString());
            }
        }
    }

    static final long BYTES_PER_SEGMENT = 200; // measured: about 105 (restore catalog + chain), 116 (backup chain)
    /**
     * A resume at (or in the last segment of) a chain of segments of 100 offsets lists from 1024 offsets
     * below: 10 or 11 segments. Measured: no retained heap to speak of; the bound leaves room for the
     * GC's noise.
     */
    static final long RESUME_KEYS = 11;
    static final long RESUME_BYTES = 1_000_000;
}
