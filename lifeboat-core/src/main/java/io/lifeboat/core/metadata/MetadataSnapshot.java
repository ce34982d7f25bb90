package io.lifeboat.core.metadata;

import org.apache.kafka.common.TopicPartition;

import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a backup recorded of the backed-up cluster at one moment, besides the records: for each
 * backed-up topic its id, partition count and the configs set on it (not broker defaults); for each
 * consumer group with committed offsets on those topics, the offsets. Written by the backup
 * connector every {@code metadata.interval.ms} ({@link MetadataSnapshots}), read by a restore to
 * create topics with their settings and to reposition consumer groups. Encoded by {@link SnapshotCodec}.
 *
 * @param takenAt         when the snapshot was taken, epoch milliseconds (read after every other value: everything in the snapshot was read at or before it)
 * @param connector       the backup connector that took it
 * @param sourceClusterId id of the backed-up cluster
 * @param last            whether the connector took it while stopping
 * @param topics          by topic name
 * @param groups          by group id
 */
public record MetadataSnapshot(long takenAt, String connector, String sourceClusterId, boolean last,
                               Map<String, TopicMetadata> topics, Map<String, GroupOffsets> groups) {

    public static final Comparator<TopicPartition> PARTITION_ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    public MetadataSnapshot {
        topics = Collections.unmodifiableMap(new TreeMap<>(topics)); // sorted: what people read comes in order
        groups = Collections.unmodifiableMap(new TreeMap<>(groups));
    }

    /**
     * One topic as the source cluster described it.
     *
     * @param topicId           Kafka's topic id (a new topic of the same name has another)
     * @param partitions        partition count
     * @param replicationFactor replicas of partition 0
     * @param configs           configs set on the topic itself (dynamic topic configs), by name
     * @param endOffsets        log end offset of each partition when the snapshot was taken, by partition
     */
    public record TopicMetadata(String topicId, int partitions, int replicationFactor, Map<String, String> configs,
                                Map<Integer, Long> endOffsets) {
        public TopicMetadata {
            configs = Map.copyOf(configs);
            endOffsets = Map.copyOf(endOffsets);
        }
    }

    /**
     * A consumer group's committed offsets on the backed-up topics.
     *
     * @param state   the group's state when the snapshot was taken (Stable, Empty, ...), for people
     * @param offsets the committed offset (the next record the group would read) by partition
     */
    public record GroupOffsets(String state, Map<TopicPartition, CommittedOffset> offsets) {
        public GroupOffsets {
            Map<TopicPartition, CommittedOffset> sorted = new TreeMap<>(PARTITION_ORDER);
            sorted.putAll(offsets);
            offsets = Collections.unmodifiableMap(sorted);
        }
    }

    /** A committed offset and the metadata string its consumer committed with it (often empty). */
    public record CommittedOffset(long offset, String metadata) {
    }

    /** The topics this snapshot describes, in name order. */
    public Set<String> topicNames() {
        return topics.keySet();
    }
}
