package io.lifeboat.restore;

import io.lifeboat.core.RetryBackoff;
import io.lifeboat.core.WorkFolderException;
import io.lifeboat.core.segment.CorruptSegmentException;
import io.lifeboat.core.storage.StoreAccessException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;

/**
 * What a failed read of the backup set means for the restore task. A segment that is missing or
 * corrupt, and a store answer that waiting will not cure (access denied, no such bucket), stop the
 * task with a {@link ConnectException}: restoring past them would leave a hole. So does a failure of
 * the task's local work folder ({@link WorkFolderException}: removed, disk full, too many open
 * files), which waiting does not cure either. Any other failure (a
 * busy or unreachable store, after the client's and the fetcher's own retries) is transient: the task
 * waits, 1 s doubling to 60 s ({@link RetryBackoff}), then reads the same segment again, so an outage
 * of any length only delays the restore. Not thread-safe; the task calls it under its lock.
 */
final class ReadFailurePolicy {

    private static final Logger log = LoggerFactory.getLogger(ReadFailurePolicy.class);

    private final RetryBackoff backoff = new RetryBackoff();
    private long retryAtMs;

    /** Milliseconds left before the next read may be tried; 0 when it may be tried now. */
    long remainingWaitMs(long nowMs) {
        return Math.max(0, retryAtMs - nowMs);
    }

    /** A read succeeded: the next failure waits {@link RetryBackoff#INITIAL_MS} again. */
    void succeeded() {
        backoff.succeeded();
    }

    /**
     * Records a failed read of {@code what} (such as "Restore of orders-0 into orders-0") and returns the wait
     * before the next attempt.
     *
     * @throws ConnectException when the failure is fatal
     */
    long failed(String what, IOException e, long nowMs) {
        if (e instanceof CorruptSegmentException) {
            throw new ConnectException(what + " stopped: " + e.getMessage(), e);
        }
        Optional<WorkFolderException> local = WorkFolderException.in(e);
        if (local.isPresent()) {
            throw new ConnectException(what + " stopped: " + local.get().getMessage() + ", then restart the task; it "
                    + "resumes where it stopped", e);
        }
        Optional<StoreAccessException> permanent = StoreAccessException.permanentCause(e);
        if (permanent.isPresent()) {
            throw new ConnectException(what + " stopped: " + e.getMessage() + " (fix " + permanent.get().configKey()
                    + ", then restart the task; it resumes where it stopped)", e);
        }
        long wait = backoff.failed();
        retryAtMs = nowMs + wait;
        log.warn("{}: reading the backup set failed ({} in a row); waiting {} ms for the store before reading the same "
                + "segment again: {}", what, backoff.failures(), wait, e.getMessage());
        return wait;
    }
}
