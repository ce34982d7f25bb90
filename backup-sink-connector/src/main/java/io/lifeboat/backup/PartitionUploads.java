package io.lifeboat.backup;

import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.segment.SegmentSpool;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The sealed segments of one partition on their way to the store, oldest first, and what of the
 * partition is durable. The task thread seals segments into it and reads it; one uploader thread at
 * a time uploads its oldest segment ({@link SegmentUploader}). Every method holds the object's lock.
 *
 * <p>Invariants: segments become durable in the order they were sealed, at most one is in flight;
 * {@link #durableNextOffset()} and {@link #lastStoredOffset()} only advance past segments that are in
 * the store, and every segment before them is too; after {@link #abandon()} no segment of it starts
 * uploading.
 */
final class PartitionUploads {

    private final TopicPartition partition;
    private final ArrayDeque<SegmentSpool> waiting = new ArrayDeque<>();
    private boolean draining;
    private boolean inFlight;
    private boolean abandoned;
    private long durableNextOffset = -1;
    private long lastStoredOffset = -1;
    private long newestStoredTimestamp = SegmentDescriptor.NONE;

    PartitionUploads(TopicPartition partition) {
        this.partition = partition;
    }

    TopicPartition partition() {
        return partition;
    }

    /** Queues a sealed segment; true when no uploader job drains this partition yet, so one must start. */
    synchronized boolean add(SegmentSpool sealed) {
        waiting.addLast(sealed);
        if (draining || abandoned) {
            return false;
        }
        draining = true;
        return true;
    }

    /** The oldest waiting segment, now in flight; null (and the drain ends) when none waits or abandoned. */
    synchronized SegmentSpool startNext() {
        if (abandoned || waiting.isEmpty()) {
            draining = false;
            inFlight = false;
            notifyAll();
            return null;
        }
        inFlight = true;
        return waiting.peekFirst();
    }

    /** The in-flight segment is in the store. */
    synchronized void uploaded(SegmentSpool segment, SegmentDescriptor descriptor) {
        if (waiting.peekFirst() == segment) {
            waiting.pollFirst();
        }
        inFlight = false;
        durableNextOffset = Math.max(durableNextOffset, descriptor.lastOffset() + 1);
        lastStoredOffset = Math.max(lastStoredOffset, descriptor.lastOffset());
        newestStoredTimestamp = Math.max(newestStoredTimestamp, descriptor.maxTimestamp());
        notifyAll();
    }

    /** The newest record timestamp this task stored of the partition, or {@link SegmentDescriptor#NONE}. */
    synchronized long newestStoredTimestamp() {
        return newestStoredTimestamp;
    }

    /** The in-flight segment's upload failed; it stays the oldest waiting one. */
    synchronized void failed() {
        inFlight = false;
        notifyAll();
    }

    /** Stops a drain without taking the head (a failure that ends the task). */
    synchronized void stopDraining() {
        draining = false;
        inFlight = false;
        notifyAll();
    }

    /** A segment already in the store (found when the task resumes the chain) covers offsets up to {@code lastOffset}. */
    synchronized void alreadyStored(long nextOffset, long lastOffset) {
        durableNextOffset = Math.max(durableNextOffset, nextOffset);
        lastStoredOffset = Math.max(lastStoredOffset, lastOffset);
    }

    /** The first offset of the oldest segment not yet in the store, if one waits or is in flight. */
    synchronized OptionalLong firstWaitingOffset() {
        SegmentSpool oldest = waiting.peekFirst();
        return oldest == null ? OptionalLong.empty() : OptionalLong.of(oldest.firstOffset());
    }

    synchronized long durableNextOffset() {
        return durableNextOffset;
    }

    synchronized long lastStoredOffset() {
        return lastStoredOffset;
    }

    synchronized boolean isAbandoned() {
        return abandoned;
    }

    /**
     * Waits until nothing waits or is in flight, at most until {@code deadlineNanos}; true when so,
     * false at once when segments wait that no uploader will take (a failure ended the drain).
     */
    synchronized boolean awaitEmpty(long deadlineNanos) throws InterruptedException {
        while (!waiting.isEmpty() || inFlight) {
            if (!draining) {
                return false;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /**
     * No waiting segment starts uploading from now on. Returns the waiting segments that are not in
     * flight (the caller deletes them); the one in flight, if any, is left to its uploader thread.
     */
    synchronized List<SegmentSpool> abandon() {
        abandoned = true;
        List<SegmentSpool> dropped = new ArrayList<>(waiting);
        if (inFlight && !dropped.isEmpty()) {
            dropped.remove(0);
        }
        SegmentSpool head = inFlight ? waiting.peekFirst() : null;
        waiting.clear();
        if (head != null) {
            waiting.add(head);
        }
        return dropped;
    }

    /** The abandoned in-flight segment's upload ended, either way. */
    synchronized void abandonedUploadEnded(SegmentSpool segment) {
        waiting.remove(segment);
        inFlight = false;
        draining = false;
        notifyAll();
    }
}
