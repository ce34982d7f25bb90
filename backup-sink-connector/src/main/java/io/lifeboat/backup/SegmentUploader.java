package io.lifeboat.backup;

import io.lifeboat.core.RetryBackoff;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.segment.SegmentSpool;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Makes sealed segments durable off the task thread: encoding, compressing, checksumming and
 * uploading ({@link SegmentPublisher}) run on {@link #THREADS} uploader threads. Per partition the
 * segments are uploaded in the order they were sealed, one at a time ({@link PartitionUploads});
 * partitions are uploaded in parallel, each upload queued behind the ones submitted before it.
 *
 * <p>A store failure that waiting may cure is retried by the uploader with a {@link RetryBackoff}
 * (1 s, doubling to 60 s) and a WARN; the partition's offsets do not advance meanwhile. A failure
 * that waiting will not cure ({@code permanentFailure} answers it) or a local spool failure
 * ({@link SpoolFailure}) is kept as {@link #failure()}, which fails the task at its next put().
 *
 * <p>At most {@link #MAX_WAITING_SEGMENTS} sealed segments or {@link #MAX_WAITING_BYTES} bytes of
 * records should wait: above that {@link #overBound()} tells the task to stop consuming for a while.
 */
final class SegmentUploader {

    private static final Logger log = LoggerFactory.getLogger(SegmentUploader.class);

    static final int THREADS = 4;
    static final int MAX_WAITING_SEGMENTS = 256;
    static final long MAX_WAITING_BYTES = 1L << 30;

    private final SegmentPublisher publisher;
    private final BackupLayout layout;
    private final String storeName;
    private final Function<Throwable, ConnectException> permanentFailure;
    private final ScheduledThreadPoolExecutor pool;
    private final Object bound = new Object();
    private final AtomicLong storeErrors = new AtomicLong();
    private int waitingSegments;
    private long waitingBytes;
    private volatile ConnectException failure;

    /**
     * @param permanentFailure the task failure for a store failure that waiting will not cure, or null
     *                         for one worth retrying
     */
    /** Failed upload attempts since the task started (a metric). */
    long storeErrors() {
        return storeErrors.get();
    }

    SegmentUploader(SegmentPublisher publisher, BackupLayout layout, String storeName,
                    Function<Throwable, ConnectException> permanentFailure) {
        this.publisher = publisher;
        this.layout = layout;
        this.storeName = storeName;
        this.permanentFailure = permanentFailure;
        this.pool = new ScheduledThreadPoolExecutor(THREADS, r -> {
            Thread t = new Thread(r, "lifeboat-backup-upload");
            t.setDaemon(true);
            return t;
        });
    }

    /** Hands a sealed segment over; it is uploaded after every segment of its partition sealed before it. */
    void submit(PartitionUploads uploads, SegmentSpool sealed) {
        synchronized (bound) {
            waitingSegments++;
            waitingBytes += sealed.bytes();
        }
        if (uploads.add(sealed)) {
            schedule(uploads, new RetryBackoff(), 0);
        }
    }

    private void schedule(PartitionUploads uploads, RetryBackoff backoff, long delayMs) {
        try {
            pool.schedule(() -> drainOne(uploads, backoff), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            uploads.stopDraining(); // stopped: what was not uploaded is never committed
        }
    }

    private void drainOne(PartitionUploads uploads, RetryBackoff backoff) {
        SegmentSpool segment = uploads.startNext();
        if (segment == null) {
            return;
        }
        SegmentDescriptor descriptor;
        try {
            descriptor = publisher.publish(segment);
        } catch (IOException | RuntimeException e) {
            if (uploads.isAbandoned() || pool.isShutdown()) {
                ended(uploads, segment);
                return;
            }
            storeErrors.incrementAndGet();
            ConnectException fatal = e instanceof ConnectException connect ? connect : permanentFailure.apply(e);
            if (fatal == null && e instanceof RuntimeException) {
                fatal = new ConnectException("Uploading segment " + layout.segmentKey(segment.descriptor())
                        + " to " + storeName + " failed unexpectedly: " + e, e);
            }
            if (fatal != null) {
                log.error("{} (the task fails with its next put())", fatal.getMessage());
                if (failure == null) {
                    failure = fatal;
                }
                uploads.stopDraining();
                return;
            }
            long wait = backoff.failed();
            log.warn("Uploading segment {} (offsets {}..{} of {}) to {} failed ({} in a row); retrying in {} ms "
                    + "(nothing from offset {} on is committed until it succeeds): {}",
                    layout.segmentKey(segment.descriptor()), segment.firstOffset(), segment.lastOffset(),
                    segment.partition(), storeName, backoff.failures(), wait, segment.firstOffset(), e.getMessage());
            uploads.failed();
            schedule(uploads, backoff, wait);
            return;
        }
        if (uploads.isAbandoned()) {
            ended(uploads, segment);
            return;
        }
        uploads.uploaded(segment, descriptor);
        released(segment);
        schedule(uploads, new RetryBackoff(), 0);
    }

    private void ended(PartitionUploads uploads, SegmentSpool segment) {
        uploads.abandonedUploadEnded(segment);
        released(segment);
    }

    /** Deletes a segment's spool file and takes it off the waiting count. */
    void released(SegmentSpool segment) {
        try {
            segment.close();
        } catch (IOException e) {
            // in the task's own folder, removed when the task stops
        }
        synchronized (bound) {
            waitingSegments--;
            waitingBytes -= segment.bytes();
            bound.notifyAll();
        }
    }

    /** The failure that ends the task, once an upload met one; null while none did. */
    ConnectException failure() {
        return failure;
    }

    /** True while more sealed segments or bytes wait than the bounds allow. */
    boolean overBound() {
        synchronized (bound) {
            return waitingSegments > MAX_WAITING_SEGMENTS || waitingBytes > MAX_WAITING_BYTES;
        }
    }

    /** Waits at most {@code millis} for the waiting segments to fall within the bounds; true when they do. */
    boolean awaitWithinBound(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (bound) {
            while (waitingSegments > MAX_WAITING_SEGMENTS || waitingBytes > MAX_WAITING_BYTES) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    bound.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Waits at most {@code millis} until no sealed segment waits or a failure ends the uploads; true when so. */
    boolean awaitSettled(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (bound) {
            while (waitingSegments > 0 && failure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    bound.wait(Math.max(1, Math.min(50, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Sealed segments waiting or in flight. */
    int waitingSegments() {
        synchronized (bound) {
            return waitingSegments;
        }
    }

    /**
     * Waits until every given partition's segments are in the store, at most {@code millis} for all
     * together; true when they are. A partition that cannot finish (its uploads ended by a failure)
     * does not cut the wait of the others short.
     */
    boolean awaitDurable(Collection<PartitionUploads> partitions, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean all = true;
        try {
            for (PartitionUploads uploads : partitions) {
                all &= uploads.awaitEmpty(deadline);
            }
            return all;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Drops a partition's waiting segments: none of them starts uploading from now on. */
    void abandon(PartitionUploads uploads) {
        uploads.abandon().forEach(this::released);
    }

    /** Stops the uploader threads, waiting at most {@code millis}; unfinished uploads are abandoned. */
    void stop(long millis) {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
                log.warn("Uploads to {} still running after {} ms at stop; they are abandoned (their records were "
                        + "not committed and are consumed again)", storeName, millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
