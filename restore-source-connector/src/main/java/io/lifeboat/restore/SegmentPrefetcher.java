package io.lifeboat.restore;

import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.segment.SegmentFetcher;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Downloads and verifies ({@link SegmentFetcher#fetch}) the segments a restore task will read next,
 * ahead of it, on a few daemon threads, in the order the task will read them: its partitions one after
 * the other, each partition's segments in offset order, the next partitions' first segments as well.
 *
 * <p>Invariants:
 * <ul>
 *   <li>At most {@code maxSegments} segments are held (being fetched, or fetched and not yet taken), and
 *       their stored sizes add up to at most {@code maxBytes}, except that one segment is always allowed
 *       however large: the local copies ahead of the task are bounded whatever the backup's segment size.</li>
 *   <li>A segment is only fetched when it is in a partition's {@link #plan}; the plan leaves out what the
 *       restore is known to skip (segments before the time range's start, read past by offset), so those
 *       are never downloaded.</li>
 *   <li>A fetch's failure is kept and thrown, the same exception, by the {@link Lane#fetch} of the
 *       partition whose segment it is, when that partition asks for it; never to another partition. The
 *       failed segment is forgotten then: asked again (the restore retrying), it is fetched anew.</li>
 *   <li>A segment asked for that is not in the plan (the restore read past a different segment than
 *       foreseen) is fetched on the caller's thread, as without prefetching.</li>
 *   <li>Every local copy not handed to a partition is deleted: those its partition skipped or no longer
 *       needs ({@link Lane#finished}), and all on {@link #close}, which also waits for the fetches under
 *       way, so nothing is left in the work folder.</li>
 * </ul>
 * Thread-safe; the task's thread calls {@link Lane#fetch}, the pool's threads complete the fetches.
 */
final class SegmentPrefetcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SegmentPrefetcher.class);
    static final int THREADS = 4;
    static final int MAX_SEGMENTS = 8;
    static final long MAX_BYTES = 512L * 1024 * 1024;
    private static final long CLOSE_WAIT_SECONDS = 30;
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** Where a partition restore takes its segments from. */
    interface Source {
        /** The segment, downloaded and verified whole; throws like {@link SegmentFetcher#fetch}. */
        SegmentFetcher.FetchedSegment fetch(SegmentDescriptor segment) throws IOException;

        /** The partition reads nothing more: what was fetched for it can go. */
        default void finished() {
        }

        /** Fetches on the caller's thread, nothing ahead. */
        static Source direct(SegmentFetcher fetcher) {
            return fetcher::fetch;
        }
    }

    /** One planned segment: waiting, being fetched, or fetched and not yet taken. */
    private static final class Slot {
        final TopicPartition partition;
        final int index; // its place in its partition's plan
        final SegmentDescriptor segment;
        final long size;
        final CompletableFuture<SegmentFetcher.FetchedSegment> result = new CompletableFuture<>();
        boolean started;
        boolean dropped;

        Slot(TopicPartition partition, int index, SegmentDescriptor segment, long size) {
            this.partition = partition;
            this.index = index;
            this.segment = segment;
            this.size = size;
        }
    }

    private final SegmentFetcher fetcher;
    private final int maxSegments;
    private final long maxBytes;
    private final ExecutorService pool;
    private final Deque<Slot> waiting = new ArrayDeque<>();
    private final Map<TopicPartition, List<Slot>> planned = new HashMap<>(); // not yet taken nor dropped, per partition
    private int held;
    private long heldBytes;
    private boolean closed;

    SegmentPrefetcher(SegmentFetcher fetcher) {
        this(fetcher, THREADS, MAX_SEGMENTS, MAX_BYTES);
    }

    SegmentPrefetcher(SegmentFetcher fetcher, int threads, int maxSegments, long maxBytes) {
        if (threads < 1 || maxSegments < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("threads, maxSegments and maxBytes must be positive");
        }
        this.fetcher = fetcher;
        this.maxSegments = maxSegments;
        this.maxBytes = maxBytes;
        String name = "lifeboat-restore-prefetch-" + POOLS.incrementAndGet() + "-";
        AtomicInteger threadNumber = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, name + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Appends a partition's segments, in the order its restore will ask for them, after those planned
     * before; fetching starts at once, within the bounds.
     */
    synchronized void plan(TopicPartition partition, List<BackupCatalog.SegmentEntry> segments) {
        List<Slot> slots = planned.computeIfAbsent(partition, p -> new ArrayList<>());
        for (BackupCatalog.SegmentEntry entry : segments) {
            Slot slot = new Slot(partition, slots.size(), entry.descriptor(), Math.max(0, entry.size()));
            slots.add(slot);
            waiting.add(slot);
        }
        startFetches();
    }

    /** The source of one partition's segments. */
    Lane lane(TopicPartition partition) {
        return new Lane(partition);
    }

    /** A partition's view of the prefetcher. */
    final class Lane implements Source {
        private final TopicPartition partition;

        private Lane(TopicPartition partition) {
            this.partition = partition;
        }

        @Override
        public SegmentFetcher.FetchedSegment fetch(SegmentDescriptor segment) throws IOException {
            Slot slot = take(partition, segment);
            if (slot == null) {
                return fetcher.fetch(segment);
            }
            try {
                return slot.result.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                slot.result.thenAccept(SegmentPrefetcher::discard);
                throw new InterruptedIOException("interrupted while waiting for segment " + fetcher.keyOf(segment));
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IOException(cause);
            }
        }

        @Override
        public void finished() {
            drop(partition, Integer.MAX_VALUE);
        }
    }

    /**
     * Hands the segment's slot to its partition, dropping the slots planned before it (read past);
     * null when it was not planned.
     */
    private synchronized Slot take(TopicPartition partition, SegmentDescriptor segment) throws IOException {
        if (closed) {
            throw new IOException("the restore task is stopping: segment " + fetcher.keyOf(segment) + " is not read");
        }
        List<Slot> slots = planned.getOrDefault(partition, List.of());
        Slot found = null;
        for (Slot slot : slots) {
            if (slot.segment.equals(segment)) {
                found = slot;
                break;
            }
        }
        if (found == null) {
            return null;
        }
        drop(partition, found.index);
        slots.remove(found);
        if (!found.started) {
            waiting.remove(found);
            startFetch(found); // wanted now: ahead of the queue, whatever the bounds
        }
        release(found);
        startFetches();
        return found;
    }

    /** Drops the partition's slots before {@code index} in its plan, deleting their local copies. */
    private synchronized void drop(TopicPartition partition, int index) {
        List<Slot> slots = planned.getOrDefault(partition, List.of());
        for (var it = slots.iterator(); it.hasNext(); ) {
            Slot slot = it.next();
            if (slot.index >= index) {
                continue;
            }
            it.remove();
            slot.dropped = true;
            if (!slot.started) {
                waiting.remove(slot);
            } else if (slot.result.isDone()) {
                release(slot);
                slot.result.thenAccept(SegmentPrefetcher::discard);
            } // else: released and deleted when its fetch completes
        }
        startFetches();
    }

    private void startFetches() {
        while (!closed && !waiting.isEmpty() && held < maxSegments
                && (held == 0 || heldBytes + waiting.peek().size <= maxBytes)) {
            startFetch(waiting.poll());
        }
    }

    private void startFetch(Slot slot) {
        slot.started = true;
        held++;
        heldBytes += slot.size;
        pool.execute(() -> run(slot));
    }

    private void release(Slot slot) {
        held--;
        heldBytes -= slot.size;
    }

    private void run(Slot slot) {
        SegmentFetcher.FetchedSegment fetched;
        try {
            fetched = fetcher.fetch(slot.segment);
        } catch (Throwable e) {
            complete(slot, null, e);
            return;
        }
        complete(slot, fetched, null);
    }

    /** Completes under the lock, so a slot dropped or a prefetcher closed meanwhile deletes the copy. */
    private synchronized void complete(Slot slot, SegmentFetcher.FetchedSegment fetched, Throwable failure) {
        if (slot.dropped || closed) {
            if (slot.dropped) {
                release(slot);
            }
            discard(fetched);
            slot.result.completeExceptionally(new IOException("segment " + fetcher.keyOf(slot.segment)
                    + " was fetched after the restore stopped needing it"));
            startFetches();
            return;
        }
        if (failure != null) {
            slot.result.completeExceptionally(failure);
        } else {
            slot.result.complete(fetched);
        }
    }

    private static void discard(SegmentFetcher.FetchedSegment fetched) {
        if (fetched == null) {
            return;
        }
        try {
            fetched.close();
        } catch (IOException e) {
            log.warn("Cannot delete the local copy {} of segment {}: {}", fetched.file(), fetched.key(), e.getMessage());
        }
    }

    /** The number of segments held: being fetched, or fetched and not taken. */
    synchronized int held() {
        return held;
    }

    /**
     * Stops fetching, deletes every local copy not handed out, and waits for the fetches under way
     * (their copies are deleted as they complete).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            waiting.clear();
            for (List<Slot> slots : planned.values()) {
                for (Slot slot : slots) {
                    slot.dropped = true;
                    slot.result.thenAccept(SegmentPrefetcher::discard);
                }
            }
            planned.clear();
        }
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("Segment downloads still under way {} s after the restore task stopped", CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
