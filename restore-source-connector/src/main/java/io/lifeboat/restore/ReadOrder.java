package io.lifeboat.restore;

import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.SegmentDescriptor;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The order in which a restore task asks for its partitions' segments, for {@link SegmentPrefetcher#plan}:
 * the task reads up to {@code together} partitions at once, the first ones in task order that are not
 * done, each at about the same rate in records (every poll shares its allowance between them), and the
 * next partition joins when one is done. So a partition asks for a segment once it has read, since it
 * joined, as many records as its segments before it hold; the order is that of these moments, the
 * partition earlier in task order first on a tie. Each partition's segments stay in their order.
 *
 * <p>A segment's records are counted from its offsets (compacted segments hold fewer): an
 * estimate, good enough for an order of fetching; a segment asked for sooner than planned is fetched
 * at once.
 */
final class ReadOrder {

    /** The segments to plan, in the order the task will ask for them. */
    static List<SegmentPrefetcher.Planned> of(Map<TopicPartition, List<BackupCatalog.SegmentEntry>> inTaskOrder,
                                              int together) {
        List<TopicPartition> partitions = inTaskOrder.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        PriorityQueue<Next> due = new PriorityQueue<>(Comparator.comparingLong(Next::at).thenComparingInt(Next::rank));
        int joined = 0;
        for (; joined < Math.min(together, partitions.size()); joined++) {
            due.add(new Next(0, joined, 0));
        }
        List<SegmentPrefetcher.Planned> order = new ArrayList<>();
        while (!due.isEmpty()) {
            Next next = due.poll();
            TopicPartition tp = partitions.get(next.rank());
            List<BackupCatalog.SegmentEntry> segments = inTaskOrder.get(tp);
            if (next.segment() == segments.size()) { // the partition is done: the next one takes its place
                if (joined < partitions.size()) {
                    due.add(new Next(next.at(), joined++, 0));
                }
                continue;
            }
            BackupCatalog.SegmentEntry entry = segments.get(next.segment());
            order.add(new SegmentPrefetcher.Planned(tp, entry));
            due.add(new Next(next.at() + records(entry.descriptor()), next.rank(), next.segment() + 1));
        }
        return order;
    }

    private static long records(SegmentDescriptor segment) {
        return segment.lastOffset() - segment.firstOffset() + 1;
    }

    /**
     * A partition (by its rank in task order) asking for its segment {@code segment} at moment {@code at};
     * one past its last: done then.
     */
    private record Next(long at, int rank, int segment) {
    }

    private ReadOrder() {
    }
}
