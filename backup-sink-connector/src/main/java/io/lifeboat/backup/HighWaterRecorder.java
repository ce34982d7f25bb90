package io.lifeboat.backup;

import io.lifeboat.core.layout.HighWaterMarks;
import io.lifeboat.core.storage.ObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;

/**
 * Keeps this task's {@link HighWaterMarks} object up to date: the last stored offset of every
 * partition the task has backed up, including partitions it held before a rebalance (marks only
 * grow). Written when a mark advanced, at offset-commit time, after the segments it speaks of are
 * durable. A failed write is logged and retried at the next commit: the marks only lag then, and
 * nothing the backup commits depends on them.
 */
final class HighWaterRecorder {

    private static final Logger log = LoggerFactory.getLogger(HighWaterRecorder.class);

    private final ObjectStore store;
    private final String key;
    private final Map<TopicPartition, Long> marks = HighWaterMarks.newMarks();
    private boolean loaded;
    private boolean changed;

    HighWaterRecorder(ObjectStore store, String key) {
        this.store = store;
        this.key = key;
    }

    /**
     * Merges the marks this task wrote before it (re)started, which also cover partitions it no
     * longer holds; until that read succeeds nothing is written, so a read that failed for a moment
     * never replaces the object with fewer marks.
     */
    private boolean loadPrevious() {
        if (!loaded) {
            try {
                HighWaterMarks.read(store, key).forEach((tp, offset) -> marks.merge(tp, offset, Math::max));
                loaded = true;
            } catch (HighWaterMarks.UnreadableMarksException e) {
                log.warn("This task's previous high-water marks are unreadable; writing them anew: {}", e.getMessage());
                loaded = true;
            } catch (IOException e) {
                log.warn("Cannot read this task's previous high-water marks {} from {} (the backup needs s3:GetObject "
                        + "for it); not updating them until it can: {}", key, store.describe(), e.getMessage());
            }
        }
        return loaded;
    }

    void advance(TopicPartition partition, long lastStoredOffset) {
        Long previous = marks.get(partition);
        if (previous == null || previous < lastStoredOffset) {
            marks.put(partition, lastStoredOffset);
            changed = true;
        }
    }

    void writeIfChanged() {
        if (!changed || !loadPrevious()) {
            return;
        }
        try {
            store.put(key, HighWaterMarks.encode(marks));
            changed = false;
        } catch (IOException e) {
            log.warn("Cannot update the high-water marks {} in {}; will retry at the next offset commit: {}", key,
                    store.describe(), e.getMessage());
        }
    }
}
