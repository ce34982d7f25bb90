package io.lifeboat.restore;

import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.BackupSetCheck;
import io.lifeboat.core.layout.HighWaterMarks;
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
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Decides what a restore covers: the selected topics of the backup set (every topic with partition
 * markers or segments by default; a topic whose markers are gone is restored, with a warning), their
 * target names and partition counts. Every mistake in the selection is an error that names what is wrong.
 */
final class RestorePlanner {

    private static final Logger log = LoggerFactory.getLogger(RestorePlanner.class);

    /** One topic to restore. */
    record TopicPlan(String sourceTopic, String targetTopic, int partitions) {
    }

    /** A mistake in what the restore selects, with the config key to fix. */
    static final class PlanException extends ConnectException {
        private final String configKey;

        PlanException(String configKey, String message) {
            super(message);
            this.configKey = configKey;
        }

        String configKey() {
            return configKey;
        }
    }

    static RestorePlan plan(RestoreSourceConfig config, ObjectStore store) {
        BackupLayout layout = new BackupLayout(config.storage().prefix());
        String where = where(store, layout);
        try {
            // Marks first, segments after: a mark only names segments stored before it was written.
            Map<TopicPartition, HighWaterMarks.Mark> marks = HighWaterMarks.readAll(store, layout);
            Set<String> selected = select(config, topicNames(store, layout, marks), where);
            BackupSetCheck check = BackupSetCheck.of(BackupCatalog.load(store, layout, selected), marks);
            List<StoredObject> unrecognized = check.unrecognized();
            if (!unrecognized.isEmpty()) {
                throw new PlanException(StorageConfig.PREFIX, "The backup set in " + where + " holds objects that "
                        + "are not Lifeboat partition markers, segments or gaps under the folders of the topics to "
                        + "restore, e.g. " + unrecognized.get(0).key() + " (" + unrecognized.size() + " in all); remove "
                        + "them or restore from a clean prefix");
            }
            TopicMapping mapping = config.topicMapping();
            List<TopicPlan> topics = new ArrayList<>();
            for (String topic : selected) {
                int partitions = check.partitionCount(topic);
                if (partitions == 0) {
                    log.warn("Topic {} has folders in {} but no partition markers, segments or gaps (only folder "
                            + "placeholders?); nothing to restore", topic, where);
                    continue;
                }
                warnUnmarked(topic, check.unmarkedPartitions(topic), partitions, where);
                topics.add(new TopicPlan(topic, mapping.target(topic), partitions));
            }
            return new RestorePlan(topics, check.catalog());
        } catch (IOException e) {
            throw new ConnectException("Cannot read the backup set in " + where + ": " + e.getMessage(), e);
        }
    }

    private static void warnUnmarked(String topic, List<Integer> unmarked, int partitions, String where) {
        if (!unmarked.isEmpty()) {
            log.warn("Topic {}: partitions {} have no partition marker in {} (deleted?), only segments or gaps; "
                    + "they are restored. The topic's partition count is taken as the highest partition seen + 1 = {}: "
                    + "partitions that have neither a marker nor segments cannot be known", topic, unmarked, where,
                    partitions);
        }
    }

    /**
     * Every topic the backup set knows of: from its partition markers and segments, and from its
     * high-water marks, so that a topic whose markers and segments are all gone is part of a default
     * restore (which then stops on it, naming the missing records) instead of vanishing from it.
     */
    static SortedSet<String> topicNames(ObjectStore store, BackupLayout layout,
                                        Map<TopicPartition, HighWaterMarks.Mark> marks) throws IOException {
        SortedSet<String> names = BackupCatalog.topicNames(store, layout);
        marks.keySet().forEach(tp -> names.add(tp.topic()));
        return names;
    }

    /** Where a backup set is, for messages. */
    static String where(ObjectStore store, BackupLayout layout) {
        return store.describe() + " under prefix '" + layout.prefix() + "'";
    }

    /**
     * The backed-up topics the restore covers, from the topics the backup set holds. Every mistake
     * (an empty backup set, an unknown topic, a rename of a topic not restored, two topics restored
     * into one) is a {@link PlanException} naming the key to fix.
     */
    static Set<String> select(RestoreSourceConfig config, Set<String> available, String where) {
        if (available.isEmpty()) {
            throw new PlanException(StorageConfig.PREFIX, "No backed-up topics found in " + where + ": check "
                    + "storage.prefix and the bucket or root against the backup connector's config");
        }
        Set<String> selected = new TreeSet<>(config.restoreTopics().isEmpty() ? available : config.restoreTopics());
        List<String> missing = selected.stream().filter(t -> !available.contains(t)).toList();
        if (!missing.isEmpty()) {
            throw new PlanException(RestoreSourceConfig.RESTORE_TOPICS, RestoreSourceConfig.RESTORE_TOPICS + " names "
                    + missing + ", which " + where + " does not hold; it holds " + available);
        }
        TopicMapping mapping = config.topicMapping();
        List<String> unusedRenames = mapping.sources().stream().filter(t -> !selected.contains(t)).sorted().toList();
        if (!unusedRenames.isEmpty()) {
            throw new PlanException(RestoreSourceConfig.RESTORE_TOPIC_MAPPING, RestoreSourceConfig.RESTORE_TOPIC_MAPPING
                    + " renames " + unusedRenames + ", which this restore does not include (restoring " + selected + ")");
        }
        Map<String, String> targets = new HashMap<>();
        for (String topic : selected) {
            String target = mapping.target(topic);
            String clash = targets.put(target, topic);
            if (clash != null) {
                throw new PlanException(RestoreSourceConfig.RESTORE_TOPIC_MAPPING, "Topics " + clash + " and " + topic
                        + " would both be restored into " + target + "; rename one with "
                        + RestoreSourceConfig.RESTORE_TOPIC_MAPPING);
            }
        }
        return selected;
    }

    /** The topics to restore and what the backup holds of them. */
    record RestorePlan(List<TopicPlan> topics, BackupCatalog catalog) {
        List<TopicPartition> partitions() {
            List<TopicPartition> all = new ArrayList<>();
            for (TopicPlan topic : topics) {
                for (int p = 0; p < topic.partitions(); p++) {
                    all.add(new TopicPartition(topic.sourceTopic(), p));
                }
            }
            return all;
        }
    }

    private RestorePlanner() {
    }
}
