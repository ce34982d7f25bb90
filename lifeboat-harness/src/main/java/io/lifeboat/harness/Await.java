package io.lifeboat.harness;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Polls a condition until it holds, or fails after a timeout with a message that says what was awaited. */
public final class Await {

    private static final long POLL_MS = 250;

    private Await() {
    }

    /**
     * Calls {@code check} until it returns a value, then returns it. An exception thrown by the check
     * ends the wait at once (use it for failures that cannot heal, such as a FAILED task).
     *
     * @param what    what is awaited, for the timeout message ("the backup to catch up")
     * @param state   the state seen last, appended to the timeout message
     * @throws AwaitTimeoutException after {@code timeout}
     */
    public static <T> T result(String what, Duration timeout, Callable<Optional<T>> check, Supplier<String> state)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> result = check.call();
            if (result.isPresent()) {
                return result.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AwaitTimeoutException("Timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + "; last state: " + state.get());
            }
            Thread.sleep(POLL_MS);
        }
    }

    /** Like {@link #result(String, Duration, Callable, Supplier)} for a yes/no condition. */
    public static void condition(String what, Duration timeout, Callable<Boolean> condition, Supplier<String> state)
            throws Exception {
        result(what, timeout, () -> condition.call() ? Optional.of(Boolean.TRUE) : Optional.empty(), state);
    }

    /** A wait that ran out of time. */
    public static final class AwaitTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public AwaitTimeoutException(String message) {
            super(message);
        }
    }
}
