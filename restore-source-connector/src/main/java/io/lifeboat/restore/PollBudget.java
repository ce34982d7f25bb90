package io.lifeboat.restore;

/**
 * What one hand-over to Connect may still take, shared by the partitions that contribute to it: a
 * number of records, bytes of keys, values and headers (a record that crosses the byte bound is the
 * last one taken), and how long a read may wait for a segment that is not fetched yet.
 *
 * <p>A bounded budget ({@link #bounded}) waits for a segment only while nothing is taken yet, and
 * never past its deadline: the task's {@code poll()} holds the task's lock, which {@code stop()}
 * waits for, so it hands over what it has rather than wait. An unbounded one ({@link #waitingAlways})
 * waits as long as a segment takes: a read that must have the next records (checking one record at
 * start, tests).
 *
 * <p>Not thread-safe: one poll uses it, on the task's thread.
 */
final class PollBudget {

    /** Wait without a bound. */
    static final long FOREVER = Long.MAX_VALUE;

    private int records;
    private long bytes;
    private final long deadlineNanos;
    private final boolean waitAlways;
    private boolean taken;

    private PollBudget(int records, long bytes, long deadlineNanos, boolean waitAlways) {
        this.records = records;
        this.bytes = bytes;
        this.deadlineNanos = deadlineNanos;
        this.waitAlways = waitAlways;
    }

    /** Up to {@code records} and about {@code bytes}, waiting at most {@code waitMs} for a segment, then none. */
    static PollBudget bounded(int records, long bytes, long waitMs) {
        return new PollBudget(records, bytes, System.nanoTime() + waitMs * 1_000_000L, false);
    }

    /** Up to {@code records} and about {@code bytes}, waiting for every segment as long as it takes. */
    static PollBudget waitingAlways(int records, long bytes) {
        return new PollBudget(records, bytes, 0, true);
    }

    /** Whether another record may be taken. */
    boolean left() {
        return records > 0 && bytes > 0;
    }

    /** Records that may still be taken. */
    int records() {
        return records;
    }

    /** A record of {@code size} bytes was taken. */
    void take(long size) {
        records--;
        bytes -= size;
        taken = true;
    }

    /** {@code count} records read earlier (held back, their bytes counted then) were taken. */
    void takeHeld(int count) {
        records -= count;
        taken |= count > 0;
    }

    /** How long a read may wait now for a segment not fetched yet: {@link #FOREVER}, or 0 and up. */
    long waitMs() {
        if (waitAlways) {
            return FOREVER;
        }
        if (taken) {
            return 0;
        }
        return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000L);
    }
}
