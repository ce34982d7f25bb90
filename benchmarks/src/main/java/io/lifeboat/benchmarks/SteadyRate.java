package io.lifeboat.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rate of a stage between 10% and 90% of its records, from the progress samples taken while it ran:
 * start-up, the first offset commit and the last (fixed waits that dominate small runs) stay out of it.
 *
 * <p>Progress seen by its committed offsets moves in steps, one per offset commit. Each step is taken
 * as a point on the progress curve at the first sample that shows it, and the times at which 10% and
 * 90% were reached are interpolated linearly between the points around them. The figure is only as
 * fine as the points between those two times: {@link Window#points()} says how many there were, and
 * with fewer than {@link #RESOLVED_POINTS} it is called coarse.
 *
 * <p>The CPU time the process spent in the window is interpolated the same way between the samples
 * either side of each time (CPU is read at every sample, not only at progress points).
 */
public final class SteadyRate {

    /** Points strictly between the 10% and the 90% time needed for a figure that is not coarse. */
    public static final int RESOLVED_POINTS = 3;

    private SteadyRate() {
    }

    /**
     * @param fromNanos time at which 10% of the records were done (interpolated)
     * @param toNanos   time at which 90% were done
     * @param records   records between the two (80% of the total)
     * @param points    progress points strictly between the two times
     * @param cpuNanos  CPU time of the whole process between the two times; negative when not known
     */
    public record Window(long fromNanos, long toNanos, double records, int points, double cpuNanos) {

        public double recordsPerSecond() {
            return records / ((toNanos - fromNanos) / 1e9);
        }

        /** Cores kept busy on average: CPU time over elapsed time; NaN when not known. */
        public double coresBusy() {
            return cpuNanos < 0 ? Double.NaN : cpuNanos / (toNanos - fromNanos);
        }

        public boolean coarse() {
            return points < RESOLVED_POINTS;
        }
    }

    /**
     * The window of {@code samples} (in time order, the first taken before any progress) for a stage of
     * {@code total} records; empty when they do not reach 90% or when both marks fall on the same instant.
     */
    public static Optional<Window> of(List<ProgressSample> samples, long total) {
        List<ProgressSample> points = new ArrayList<>();
        for (ProgressSample sample : samples) {
            if (points.isEmpty() || sample.done() > points.get(points.size() - 1).done()) {
                points.add(sample);
            }
        }
        double low = 0.1 * total;
        double high = 0.9 * total;
        Optional<Double> from = timeOf(points, low);
        Optional<Double> to = timeOf(points, high);
        if (from.isEmpty() || to.isEmpty() || to.get() <= from.get()) {
            return Optional.empty();
        }
        int inside = 0;
        for (ProgressSample point : points) {
            if (point.nanos() > from.get() && point.nanos() < to.get()) {
                inside++;
            }
        }
        double cpuFrom = cpuAt(samples, from.get());
        double cpuTo = cpuAt(samples, to.get());
        double cpu = cpuFrom < 0 || cpuTo < 0 ? -1 : cpuTo - cpuFrom;
        return Optional.of(new Window(Math.round(from.get()), Math.round(to.get()), high - low, inside, cpu));
    }

    /** The process's CPU time at {@code nanos}, interpolated between the samples either side; -1 when not known. */
    private static double cpuAt(List<ProgressSample> samples, double nanos) {
        ProgressSample before = null;
        for (ProgressSample sample : samples) {
            if (sample.cpuNanos() < 0) {
                return -1;
            }
            if (sample.nanos() >= nanos) {
                if (before == null || sample.nanos() == before.nanos()) {
                    return sample.cpuNanos();
                }
                double share = (nanos - before.nanos()) / (sample.nanos() - before.nanos());
                return before.cpuNanos() + share * (sample.cpuNanos() - before.cpuNanos());
            }
            before = sample;
        }
        return before == null ? -1 : before.cpuNanos();
    }

    /** When progress reached {@code mark}, interpolated between the points either side of it. */
    private static Optional<Double> timeOf(List<ProgressSample> points, double mark) {
        for (int k = 0; k < points.size(); k++) {
            ProgressSample at = points.get(k);
            if (at.done() >= mark) {
                if (k == 0) {
                    return Optional.of((double) at.nanos());
                }
                ProgressSample before = points.get(k - 1);
                double share = (mark - before.done()) / (at.done() - before.done());
                return Optional.of(before.nanos() + share * (at.nanos() - before.nanos()));
            }
        }
        return Optional.empty();
    }
}
