package io.lifeboat.restore;

import io.lifeboat.core.layout.SnapshotKey;
import org.apache.kafka.common.config.TopicConfig;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * How the restore creates a missing target topic, and what the backup recorded of the source topic
 * for the checks of an existing one.
 *
 * @param partitions        partition count of a created topic: the backup's, or the snapshot's when larger
 * @param replicationFactor from restore.replication.factor; empty for the target broker's default
 * @param merge             the configs of a created topic and how they came about
 * @param snapshot          the metadata snapshot the backed-up configs come from; empty when the backup has none
 * @param backedUpConfigs   the configs the snapshot recorded on the source topic (empty without a snapshot)
 */
record TopicSettings(int partitions, Optional<Short> replicationFactor, CarriedTopicConfigs.Merge merge,
                     Optional<SnapshotKey> snapshot, Map<String, String> backedUpConfigs) {

    TopicSettings {
        backedUpConfigs = Map.copyOf(backedUpConfigs);
    }

    Map<String, String> configs() {
        return merge.configs();
    }

    /** Whether the backup's snapshot says the source topic was compacted. */
    boolean sourceCompacted() {
        String policy = backedUpConfigs.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        return policy != null && policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    /** Where the settings come from, for messages. */
    String origin() {
        return snapshot.map(k -> "metadata snapshot " + k.key() + " (taken " + Instant.ofEpochMilli(k.takenAt()) + ")")
                .orElse("no metadata snapshot");
    }
}
