package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.HighWaterMarks;
import io.lifeboat.core.storage.ObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The backup set's high-water marks (every task's), read once for the partitions of one assignment
 * when the first of them resumes, as a hint where their stored chains end ({@link StoredChain#resume}).
 * A hint only: a partition without a mark, or marks that cannot be read, make its resume list the
 * whole partition, as it did before marks were used.
 */
final class ResumeMarks {

    private static final Logger log = LoggerFactory.getLogger(ResumeMarks.class);

    private final ObjectStore store;
    private final BackupLayout layout;
    private Map<TopicPartition, HighWaterMarks.Mark> marks;

    ResumeMarks(ObjectStore store, BackupLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    /** The partition's highest mark over every task of the backup set; empty when none is known. */
    OptionalLong lastStored(TopicPartition partition) {
        if (marks == null) {
            try {
                marks = HighWaterMarks.readAll(store, layout);
            } catch (IOException e) {
                log.info("Cannot read the high-water marks under {} in {}; resuming partitions list their whole "
                        + "stored chain: {}", layout.highWaterPrefix(), store.describe(), e.getMessage());
                marks = Map.of();
            }
        }
        HighWaterMarks.Mark mark = marks.get(partition);
        return mark == null ? OptionalLong.empty() : OptionalLong.of(mark.lastOffset());
    }
}
