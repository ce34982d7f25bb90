package io.lifeboat.restore;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.metadata.MetadataSnapshot.TopicMetadata;
import io.lifeboat.core.metadata.MetadataSnapshots;
import io.lifeboat.core.storage.ObjectStore;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Decides how each restored topic would be created: from the newest metadata snapshot of the backup
 * set taken at or before a moment (the newest of all without one) that describes the topic, its
 * configs merged with restore.topic.configs ({@link CarriedTopicConfigs}); a topic no snapshot
 * describes gets the backup's partition count and the overrides only, with a warning.
 */
final class TopicSettingsPlanner {

    private static final Logger log = LoggerFactory.getLogger(TopicSettingsPlanner.class);

    private TopicSettingsPlanner() {
    }

    /**
     * @param atOrBefore the newest moment a snapshot may have been taken at (the restore's end time); empty for the newest
     * @return the settings by source topic, in the order of {@code topics}
     */
    static Map<String, TopicSettings> plan(ObjectStore store, BackupLayout layout, List<RestorePlanner.TopicPlan> topics,
                                           OptionalLong atOrBefore, TopicConfigOverrides overrides,
                                           Optional<Short> replicationFactor) {
        return plan(newest(store, layout, topics, atOrBefore), topics, atOrBefore, overrides, replicationFactor);
    }

    /** The newest snapshot at or before {@code atOrBefore} of each topic that has one. */
    static Map<String, MetadataSnapshots.Found> newest(ObjectStore store, BackupLayout layout,
                                                       List<RestorePlanner.TopicPlan> topics, OptionalLong atOrBefore) {
        try {
            return MetadataSnapshots.forTopics(store, layout, topics.stream().map(RestorePlanner.TopicPlan::sourceTopic)
                    .toList(), atOrBefore);
        } catch (IOException e) {
            throw new ConnectException("Cannot read the metadata snapshots of the backup set in "
                    + RestorePlanner.where(store, layout) + " (the topic settings of the restored topics come from "
                    + "them): " + e.getMessage() + ". If the store is reachable and this object is damaged, move it "
                    + "out of the backup set's metadata/ folder: the restore then uses the snapshot before it.", e);
        }
    }

    /** @param found the newest snapshot at or before {@code atOrBefore} by topic ({@link #newest}) */
    static Map<String, TopicSettings> plan(Map<String, MetadataSnapshots.Found> found,
                                           List<RestorePlanner.TopicPlan> topics, OptionalLong atOrBefore,
                                           TopicConfigOverrides overrides, Optional<Short> replicationFactor) {
        Map<String, TopicSettings> settings = new LinkedHashMap<>();
        for (RestorePlanner.TopicPlan topic : topics) {
            settings.put(topic.sourceTopic(), settings(topic, Optional.ofNullable(found.get(topic.sourceTopic())),
                    overrides, replicationFactor, atOrBefore));
        }
        return settings;
    }

    static TopicSettings settings(RestorePlanner.TopicPlan topic, Optional<MetadataSnapshots.Found> found,
                                  TopicConfigOverrides overrides, Optional<Short> replicationFactor,
                                  OptionalLong atOrBefore) {
        if (found.isEmpty()) {
            return new TopicSettings(topic.partitions(), replicationFactor,
                    CarriedTopicConfigs.merge(Map.of(), overrides), Optional.empty(), Map.of());
        }
        TopicMetadata metadata = found.get().snapshot().topics().get(topic.sourceTopic());
        int partitions = Math.max(topic.partitions(), metadata.partitions());
        if (metadata.partitions() > topic.partitions()) {
            log.info("Topic {} had {} partitions when metadata snapshot {} was taken, the backup holds {}: a created "
                    + "{} gets {} (the others were empty)", topic.sourceTopic(), metadata.partitions(),
                    found.get().key().key(), topic.partitions(), topic.targetTopic(), partitions);
        }
        CarriedTopicConfigs.Merge merge = CarriedTopicConfigs.merge(metadata.configs(), overrides);
        log.info("Settings of {} from metadata snapshot {} taken {}{}: configs {}", topic.sourceTopic(),
                found.get().key().key(), Instant.ofEpochMilli(found.get().key().takenAt()),
                atOrBefore.isPresent() ? " (the newest at or before " + Instant.ofEpochMilli(atOrBefore.getAsLong()) + ")"
                        : " (the newest)", new TreeMap<>(metadata.configs()));
        return new TopicSettings(partitions, replicationFactor, merge, Optional.of(found.get().key()), metadata.configs());
    }
}
