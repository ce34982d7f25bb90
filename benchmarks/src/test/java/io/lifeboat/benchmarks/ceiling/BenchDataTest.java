package io.lifeboat.benchmarks.ceiling;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BenchDataTest {

    @Test
    void keysAreKeyDashAndTenDigits() {
        BenchData data = new BenchData(3, 100);
        for (long i : new long[] {0, 7, 1_234, 999_999_999L, 9_999_999_999L}) {
            assertEquals(String.format("key-%010d", i), new String(data.key(i), StandardCharsets.US_ASCII));
            assertEquals(BenchData.KEY_BYTES, data.key(i).length);
        }
    }

    @Test
    void valuesHaveTheirSizeAndRecordsGoRoundThePartitions() {
        BenchData data = new BenchData(3, 1_024);
        assertEquals(1_024, data.value(12_345).length);
        assertEquals(2, data.partitionOf(5));
    }
}
