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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Downloads and verifies ({@link SegmentFetcher#fetch}) the segments a restore task will read next,
 * ahead of it, on a few daemon threads, in the order the task will read them ({@link #plan}; the task
 * plans them in {@link ReadOrder}), each partition's segments in offset order.
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
 *       foreseen, or asks again for one whose fetch failed) is fetched at once, ahead of the queue and
 *       whatever the bounds, on the pool's threads too: a caller never downloads itself, so it waits
 *       no longer than it asks to ({@link Source#fetch(SegmentDescriptor, long)}).</li>
 *   <li>Every local copy not handed to a partition is deleted: those its partition skipped or no longer
 *       needs ({@link Lane#finished}), and all on {@link #close}, which also waits for the fetches under
 *       way, so nothing is left in the work folder.</li>
 * </ul>
 * Thread-safe; the task's thread calls {@link Lane#fetch}, the pool's threads complete the fetches.
 */
final class SegmentPrefetcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SegmentPrefetcher.class);
    static final int THREADS = 4;
    /** As many as the partitions a task reads together ({@link RestoreSourceTask#READ_TOGETHER}): each can have its next one. */
    static final int MAX_SEGMENTS = 16;
    static final long MAX_BYTES = 512L * 1024 * 1024;
    private static final long CLOSE_WAIT_SECONDS = 30;
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** Where a partition restore takes its segments from. */
    interface Source {
        /**
         * The segment, downloaded and verified whole, or null when that takes longer than
         * {@code waitMs} ({@link PollBudget#FOREVER}: no bound): asked again, the same fetch is waited
         * for, not a new one. Throws like {@link SegmentFetcher#fetch}.
         */
        SegmentFetcher.FetchedSegment fetch(SegmentDescriptor segment, long waitMs) throws IOException;

        /** The segment, downloaded and verified whole, however long that takes. */
        default SegmentFetcher.FetchedSegment fetch(SegmentDescriptor segment) throws IOException {
            return fetch(segment, PollBudget.FOREVER);
        }

        /** The partition reads nothing more: what was fetched for it can go. */
        default void finished() {
        }

        /** Fetches on the caller's thread, nothing ahead, however long that takes (any wait). */
        static Source direct(SegmentFetcher fetcher) {
            return (segment, waitMs) -> fetcher.fetch(segment);
        }
    }

    /** A segment of a partition's plan, in the order of {@link #plan}. */
    record Planned(TopicPartition partition, BackupCatalog.SegmentEntry entry) {
    }

    /** One planned segment: waiting, being fetched, or fetched and not yet taken; or taken, not yet handed out. */
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
    private final Set<Slot> inHand = new HashSet<>(); // taken, fetch not done when its partition last asked
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
    void plan(TopicPartition partition, List<BackupCatalog.SegmentEntry> segments) {
        plan(segments.stream().map(entry -> new Planned(partition, entry)).toList());
    }

    /**
     * Appends segments of several partitions, in the order the task will ask for them (each
     * partition's in the order its restore reads them), after those planned before; fetching starts
     * at once, within the bounds.
     */
    synchronized void plan(List<Planned> inOrder) {
        for (Planned next : inOrder) {
            List<Slot> slots = planned.computeIfAbsent(next.partition(), p -> new ArrayList<>());
            Slot slot = new Slot(next.partition(), slots.size(), next.entry().descriptor(),
                    Math.max(0, next.entry().size()));
            slots.add(slot);
            waiting.add(slot);
        }
        startFetches();
    }

    /** The source of one partition's segments. */
    Lane lane(TopicPartition partition) {
        return new Lane(partition);
    }

    /** A partition's view of the prefetcher; used by one thread at a time. */
    final class Lane implements Source {
        private final TopicPartition partition;
        private Slot pending; // taken, not fetched yet when last asked for

        private Lane(TopicPartition partition) {
            this.partition = partition;
        }

        @Override
        public SegmentFetcher.FetchedSegment fetch(SegmentDescriptor segment, long waitMs) throws IOException {
            Slot slot = pending != null && pending.segment.equals(segment) ? stillOpen(pending)
                    : take(partition, segment);
            if (pending != null && pending != slot) {
                forget(pending); // asked for another segment instead: this one is not read
            }
            pending = null;
            try {
                SegmentFetcher.FetchedSegment fetched = waitMs == PollBudget.FOREVER ? slot.result.get()
                        : slot.result.get(waitMs, TimeUnit.MILLISECONDS);
                handedOut(slot);
                return fetched;
            } catch (TimeoutException e) {
                pending = slot;
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                forget(slot);
                throw new InterruptedIOException("interrupted while waiting for segment " + fetcher.keyOf(segment));
            } catch (ExecutionException e) {
                handedOut(slot);
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
            if (pending != null) {
                forget(pending);
                pending = null;
            }
            drop(partition, Integer.MAX_VALUE);
        }
    }

    /**
     * Hands the segment's slot to its partition, dropping the slots planned before it (read past);
     * a segment not planned gets a slot of its own. Either way its fetch is under way on return.
     */
    private synchronized Slot take(TopicPartition partition, SegmentDescriptor segment) throws IOException {
        if (closed) {
            throw stopping(segment);
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
            found = new Slot(partition, -1, segment, 0);
        } else {
            drop(partition, found.index);
            slots.remove(found);
        }
        if (!found.started) {
            waiting.remove(found);
            startFetch(found); // wanted now: ahead of the queue, whatever the bounds
        }
        release(found);
        inHand.add(found);
        startFetches();
        return found;
    }

    /** The slot, once more waited for, unless the prefetcher closed (and deleted its copy). */
    private synchronized Slot stillOpen(Slot slot) throws IOException {
        if (closed) {
            throw stopping(slot.segment);
        }
        return slot;
    }

    private IOException stopping(SegmentDescriptor segment) {
        return new IOException("the restore task is stopping: segment " + fetcher.keyOf(segment) + " is not read");
    }

    /** The taken slot's outcome reached its partition. */
    private synchronized void handedOut(Slot slot) {
        inHand.remove(slot);
    }

    /** A taken slot its partition will not read: its copy is deleted, now or when its fetch completes. */
    private synchronized void forget(Slot slot) {
        inHand.remove(slot);
        slot.result.thenAccept(SegmentPrefetcher::discard);
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
            for (Slot slot : inHand) {
                slot.result.thenAccept(SegmentPrefetcher::discard);
            }
            inHand.clear();
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
