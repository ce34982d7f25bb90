package io.lifeboat.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SteadyRateTest {

    private static final long SECOND = 1_000_000_000L;

    private static ProgressSample at(double seconds, long done) {
        return at(seconds, done, -1);
    }

    private static ProgressSample at(double seconds, long done, double cpuSeconds) {
        return new ProgressSample(Math.round(seconds * SECOND), done, 1, cpuSeconds < 0 ? -1 : Math.round(cpuSeconds * SECOND));
    }

    @Test
    void startUpAndTheLastCommitStayOutOfTheWindow() {
        // 5 s of start-up, then 100 records/s committed once a second, then a long wait for the last commit.
        List<ProgressSample> samples = List.of(at(0, 0), at(2.5, 0), at(5, 0), at(6, 100), at(6.2, 100), at(7, 200),
                at(8, 300), at(9, 400), at(10, 500), at(11, 600), at(12, 700), at(13, 800), at(14, 900),
                at(20, 1000));
        SteadyRate.Window window = SteadyRate.of(samples, 1000).orElseThrow();
        assertEquals(100, window.recordsPerSecond(), 1e-9);
        assertEquals(6 * SECOND, window.fromNanos());
        assertEquals(14 * SECOND, window.toNanos());
        assertEquals(7, window.points());
        assertFalse(window.coarse());
    }

    @Test
    void marksBetweenPointsAreInterpolated() {
        List<ProgressSample> samples = List.of(at(0, 0), at(1, 50), at(2, 150), at(10, 950), at(11, 1000));
        SteadyRate.Window window = SteadyRate.of(samples, 1000).orElseThrow();
        // 10% (100) halfway between 1 s and 2 s; 90% (900) at 9.5 s.
        assertEquals(1.5 * SECOND, window.fromNanos(), 1);
        assertEquals(9.5 * SECOND, window.toNanos(), 1);
        assertEquals(100, window.recordsPerSecond(), 1e-6);
        assertEquals(1, window.points());
        assertTrue(window.coarse());
    }

    @Test
    void cpuTimeInTheWindowIsInterpolatedBetweenAllSamples() {
        // progress points at 1 s and 3 s only; CPU read at every sample: 1.5 cores busy from 1 s, 2 cores from 2 s
        List<ProgressSample> samples = List.of(at(0, 0, 0), at(1, 100, 1), at(1.5, 100, 1.75), at(2, 100, 2.5),
                at(3, 900, 4.5), at(4, 1000, 6));
        SteadyRate.Window window = SteadyRate.of(samples, 1000).orElseThrow();
        assertEquals(1 * SECOND, window.fromNanos());
        assertEquals(3 * SECOND, window.toNanos());
        assertEquals(3.5 * SECOND, window.cpuNanos(), 1);
        assertEquals(1.75, window.coresBusy(), 1e-9);
        StageResult result = StageResult.of(Stage.BACKUP, 1000, 1_000_000, 4, samples, 0);
        // 800 records of 1 MB took 3.5 s of CPU
        assertEquals(3500.0 / 800, result.steadyCpuMillisPerMegabyte(), 1e-9);
    }

    @Test
    void cpuIsNotKnownWhereTheJvmCannotTell() {
        List<ProgressSample> samples = List.of(at(0, 0), at(1, 100), at(2, 500), at(3, 900), at(4, 1000));
        SteadyRate.Window window = SteadyRate.of(samples, 1000).orElseThrow();
        assertTrue(Double.isNaN(window.coresBusy()));
        assertTrue(Double.isNaN(StageResult.of(Stage.BACKUP, 1000, 10, 4, samples, 0).steadyCpuMillisPerMegabyte()));
    }

    @Test
    void noWindowBeforeNinetyPercentOrWhenBothMarksCoincide() {
        assertTrue(SteadyRate.of(List.of(at(0, 0), at(1, 500)), 1000).isEmpty());
        assertTrue(SteadyRate.of(List.of(at(0, 1000), at(1, 1000)), 1000).isEmpty());
    }
}
