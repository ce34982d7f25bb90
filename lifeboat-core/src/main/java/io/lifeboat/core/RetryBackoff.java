package io.lifeboat.core;

/**
 * How long a connector waits before it tries the store again after a transient failure: 1 s after
 * the first failure, doubling with each failure in a row up to 60 s, and 1 s again after a success.
 * Not thread-safe.
 */
public final class RetryBackoff {

    public static final long INITIAL_MS = 1_000;
    public static final long MAX_MS = 60_000;

    private long nextMs = INITIAL_MS;
    private int failures;

    /** A failure happened: the wait before the next attempt. */
    public long failed() {
        long wait = nextMs;
        nextMs = Math.min(MAX_MS, nextMs * 2);
        failures++;
        return wait;
    }

    /** Failures in a row so far. */
    public int failures() {
        return failures;
    }

    /** An attempt succeeded: the next failure waits {@link #INITIAL_MS} again. */
    public void succeeded() {
        nextMs = INITIAL_MS;
        failures = 0;
    }
}
