package io.lifeboat.restore;

import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.BackupSetCheck;
import io.lifeboat.core.layout.HighWaterMarks;
import io.lifeboat.core.layout.OffsetGap;
import io.lifeboat.core.layout.PartitionChain;
import io.lifeboat.core.layout.TimeRange;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Opens the restores of a task's partitions by the backup set's rules ({@link BackupSetCheck},
 * {@link PartitionChain}): an unrecognized object in their folders refuses them all, naming it; each
 * recorded gap is logged once, as a warning naming its offsets, and restored around. Each restore
 * takes its segments from the source {@code sources} gives for its partition.
 *
 * <p>A partition resumed after offset {@code R - 1} lists its segments from a bound that anchors
 * {@code R} ({@link BackupCatalog#loadPartitions(ObjectStore, BackupLayout, Map)}), not its whole history;
 * the segments it reads are the same. A break found in such a listing is taken on the whole listing of
 * the partition, where the segment a link names may start before the bound.
 */
final class PartitionRestores {

    private static final Logger log = LoggerFactory.getLogger(PartitionRestores.class);

    static List<PartitionRestore> open(ObjectStore store, BackupLayout layout, TopicMapping mapping,
                                       List<TopicPartition> assigned, Map<TopicPartition, RestoreOffsets.Progress> progress,
                                       TimeRange range, Function<TopicPartition, SegmentPrefetcher.Source> sources)
            throws IOException {
        // Marks first, segments after: a mark only names segments stored before it was written, so a
        // backup still running cannot make a mark run ahead of the listing.
        Map<TopicPartition, HighWaterMarks.Mark> highWater = HighWaterMarks.readAll(store, layout);
        Map<TopicPartition, Long> needed = new HashMap<>();
        for (TopicPartition tp : assigned) {
            needed.put(tp, progress.getOrDefault(tp, RestoreOffsets.Progress.NONE).lastRestoredOffset() + 1);
        }
        BackupCatalog catalog = checked(BackupCatalog.loadPartitions(store, layout, needed), store, layout);
        List<PartitionRestore> restores = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            RestoreOffsets.Progress from = progress.getOrDefault(tp, RestoreOffsets.Progress.NONE);
            PartitionChain chain = chain(tp, catalog, highWater, needed.get(tp));
            if (!chain.breaks().isEmpty() && catalog.listedFrom(tp) > 0) {
                log.info("{}: the segments listed from offset {} on show a break; listing the whole partition to "
                        + "confirm it", tp, catalog.listedFrom(tp));
                BackupCatalog whole = checked(BackupCatalog.loadPartitions(store, layout, List.of(tp)), store, layout);
                chain = chain(tp, whole, highWater, needed.get(tp));
            }
            String target = mapping.target(tp.topic());
            if (!from.complete()) {
                for (OffsetGap gap : chain.gaps()) {
                    if (gap.lastMissing() > from.lastRestoredOffset()) {
                        log.warn("The backup of {} has a recorded gap: offsets {}..{} ({} offsets, {}) were never "
                                + "delivered to the backup; the records before and after it are restored into {}-{}, "
                                + "these offsets stay absent", tp, gap.firstMissing(), gap.lastMissing(), gap.size(),
                                layout.gapKey(gap), target, tp.partition());
                    }
                }
            }
            restores.add(new PartitionRestore(tp, target, chain, from, range, sources.apply(tp)));
        }
        return restores;
    }

    private static PartitionChain chain(TopicPartition tp, BackupCatalog catalog,
                                        Map<TopicPartition, HighWaterMarks.Mark> highWater, long fromOffset) {
        return PartitionChain.of(tp, catalog.partitions(tp.topic()).get(tp.partition()), highWater.get(tp), fromOffset);
    }

    /** The catalog, or a refusal naming the first object in the partitions' folders that is not part of the set. */
    private static BackupCatalog checked(BackupCatalog catalog, ObjectStore store, BackupLayout layout) {
        List<StoredObject> unrecognized = catalog.unrecognized();
        if (!unrecognized.isEmpty()) {
            throw new ConnectException("The backup set in " + RestorePlanner.where(store, layout) + " holds "
                    + unrecognized.size() + " object(s) in the folders of the partitions to restore that are not part "
                    + "of it: " + BackupSetCheck.unrecognizedMessage(unrecognized.get(0)));
        }
        return catalog;
    }

    private PartitionRestores() {
    }
}
