package io.lifeboat.restore;

import io.lifeboat.core.LifeboatVersion;
import io.lifeboat.core.config.ExactCopyRules;
import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.HighWaterMarks;
import io.lifeboat.core.metadata.MetadataSnapshots;
import io.lifeboat.core.layout.TimeRange;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.ObjectStores;
import io.lifeboat.core.storage.StoreAccessCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Restores backed-up topics into a cluster. On start it plans the restore from the backup set's
 * object keys and prepares the target topics (created with the original partition count and the
 * configs of the backup's metadata snapshot merged with restore.topic.configs; checked for
 * partitions, retention, compaction and timestamp type) before any task writes a record; tasks then
 * restore topic-partitions assigned round-robin.
 */
public class RestoreSourceConnector extends SourceConnector {

    private static final Logger log = LoggerFactory.getLogger(RestoreSourceConnector.class);

    private Map<String, String> props;
    private List<TopicPartition> partitions = List.of();
    private String taskSnapshots = "";

    @Override
    public void start(Map<String, String> props) {
        RestoreSourceConfig config = new RestoreSourceConfig(props);
        TimeRange range = config.timeRange();
        this.props = Map.copyOf(props);
        RestorePlanner.RestorePlan plan;
        Map<String, TopicSettings> settings;
        try (ObjectStore store = ObjectStores.open(config.storage())) {
            plan = RestorePlanner.plan(config, store);
            // One lookup of the snapshots for both the topic settings and the consumer groups.
            Map<String, MetadataSnapshots.Found> newest = TopicSettingsPlanner.newest(store,
                    new BackupLayout(config.storage().prefix()), plan.topics(), range.end());
            taskSnapshots = config.consumerGroups().isPresent() ? groupSnapshots(config, store, plan, newest) : "";
            settings = TopicSettingsPlanner.plan(newest, plan.topics(), range.end(), config.topicConfigs(),
                    config.replicationFactor());
        }
        try (Admin admin = Admin.create(config.targetAdminConfig())) {
            TargetTopicPreparer preparer = new TargetTopicPreparer(admin, config.topicConfigs(), System.currentTimeMillis());
            String targetCluster = DestinationCheck.clusterId(admin, String.join(",", config.targetBootstrapServers()));
            for (RestorePlanner.TopicPlan topic : plan.topics()) {
                preparer.prepare(topic, settings.get(topic.sourceTopic()),
                        plan.catalog().oldestTimestamp(topic.sourceTopic(), range),
                        plan.catalog().newestTimestamp(topic.sourceTopic(), range));
                preparer.requireEmptyOrOwn(topic.sourceTopic(), topic.targetTopic(), topic.partitions(),
                        (p, targetEnd) -> hasProgress(new TopicPartition(topic.sourceTopic(), p), targetCluster, targetEnd));
            }
        }
        this.partitions = plan.partitions();
        log.info("Restore planned: {} topics, {} partitions{}: {}", plan.topics().size(), partitions.size(),
                range.bounded() ? ", records in the time range " + range : "", plan.topics());
    }

    /** The snapshot each topic's consumer groups come from, logged, encoded for the tasks. */
    private String groupSnapshots(RestoreSourceConfig config, ObjectStore store, RestorePlanner.RestorePlan plan,
                                  Map<String, MetadataSnapshots.Found> newest) {
        BackupLayout layout = new BackupLayout(config.storage().prefix());
        List<String> topics = plan.topics().stream().map(RestorePlanner.TopicPlan::sourceTopic).toList();
        try {
            Map<String, MetadataSnapshots.Found> snapshots = GroupPlan.snapshots(store, layout, newest, topics,
                    groupsAtOrBefore(config), RestorePlanner.where(store, layout), pinnedSnapshots(plan));
            GroupPlan.requireAMatch(snapshots, config.consumerGroups().get());
            snapshots.forEach((topic, found) -> log.info("Consumer groups matching {} on {} are repositioned from the "
                    + "metadata snapshot {} taken at {}", config.consumerGroups().get(), topic, found.key().key(),
                    Instant.ofEpochMilli(found.key().takenAt())));
            return GroupPlan.encode(snapshots);
        } catch (IOException e) {
            throw new ConnectException("Cannot read the metadata snapshots in " + RestorePlanner.where(store, layout)
                    + ": " + e.getMessage(), e);
        }
    }

    /** Per topic, the snapshot an earlier start of this connector took groups from (in its source offsets). */
    private Map<String, String> pinnedSnapshots(RestorePlanner.RestorePlan plan) {
        List<Map<String, Object>> keys = plan.partitions().stream().map(RestoreOffsets::sourcePartition).toList();
        Map<String, String> pinned = new HashMap<>();
        context().offsetStorageReader().offsets(keys).forEach((partition, offset) -> {
            if (offset != null && offset.get(RestoreOffsets.GROUPS_SNAPSHOT) instanceof String key && !key.isEmpty()) {
                pinned.putIfAbsent(String.valueOf(partition.get(RestoreOffsets.TOPIC)), key);
            }
        });
        pinned.forEach((topic, key) -> log.info("The consumer groups of {} come from snapshot {}, as in this "
                + "connector's earlier run", topic, key));
        return pinned;
    }

    /** The moment whose snapshot applies: restore.end.time when set, else the newest. */
    private static OptionalLong groupsAtOrBefore(RestoreSourceConfig config) {
        return config.timeRange().end();
    }

    /** Restore progress that counts: a probe offset whose record is not in the target cluster does not. */
    private boolean hasProgress(TopicPartition source, String targetCluster, long targetEndOffset) {
        Map<String, Object> offset = context().offsetStorageReader().offset(RestoreOffsets.sourcePartition(source));
        return RestoreOffsets.Progress.from(offset).resolve(targetCluster, targetEndOffset).lastRestoredOffset() >= 0;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return RestoreSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (List<TopicPartition> group : TaskAssignment.split(partitions, maxTasks)) {
            Map<String, String> taskProps = new HashMap<>(props);
            taskProps.put(RestoreSourceConfig.TASK_PARTITIONS, TaskAssignment.encode(group));
            taskProps.put(RestoreSourceConfig.TASK_NUMBER, Integer.toString(configs.size()));
            taskProps.put(RestoreSourceConfig.TASK_SNAPSHOTS, GroupPlan.only(taskSnapshots,
                    group.stream().map(TopicPartition::topic).collect(Collectors.toSet())));
            configs.add(taskProps);
        }
        return configs;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Map<String, ConfigValue> results = new LinkedHashMap<>();
        for (ConfigValue value : super.validate(connectorConfigs).configValues()) {
            results.put(value.name(), value);
        }
        StorageConfig.validate(connectorConfigs, results);
        ExactCopyRules.requireByteArrayConverters(connectorConfigs, results,
                "a restore writes the backed-up bytes exactly as they were, and any other converter would change them");
        ExactCopyRules.rejectTransforms(connectorConfigs, results, "a restore");
        ExactCopyRules.rejectErrorTolerance(connectorConfigs, results, "a restore");
        checkTimeRange(connectorConfigs, results);
        ProducerOverrideRules.validate(connectorConfigs, results);
        StoreAccessCheck.open(connectorConfigs, results, ObjectStore.Access.READ).ifPresent(store -> {
            try (store) {
                checkSelection(connectorConfigs, results, store);
            }
        });
        return new Config(List.copyOf(results.values()));
    }

    /** Both times valid on their own: the start must be before the end (the error goes on the end). */
    private static void checkTimeRange(Map<String, String> props, Map<String, ConfigValue> results) {
        for (String key : List.of(RestoreSourceConfig.START_TIME, RestoreSourceConfig.END_TIME)) {
            ConfigValue value = results.get(key);
            if (value != null && !value.errorMessages().isEmpty()) {
                return;
            }
        }
        RestoreSourceConfig config;
        try {
            config = new RestoreSourceConfig(props);
        } catch (RuntimeException e) {
            return; // another key is invalid: its own error is already in the results
        }
        try {
            config.timeRange();
        } catch (ConfigException e) {
            ExactCopyRules.addError(results, RestoreSourceConfig.END_TIME, e.getMessage());
        }
    }

    /** Once everything else is valid: does the backup set hold what the restore selects? */
    private static void checkSelection(Map<String, String> props, Map<String, ConfigValue> results, ObjectStore store) {
        if (results.values().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
            return;
        }
        try {
            RestoreSourceConfig config = new RestoreSourceConfig(props);
            BackupLayout layout = new BackupLayout(config.storage().prefix());
            Set<String> selected = RestorePlanner.select(config,
                    RestorePlanner.topicNames(store, layout, HighWaterMarks.readAll(store, layout)),
                    RestorePlanner.where(store, layout));
            if (config.consumerGroups().isPresent()) {
                GroupPlan.requireAMatch(GroupPlan.snapshots(store, layout, selected, groupsAtOrBefore(config),
                        RestorePlanner.where(store, layout)), config.consumerGroups().get());
            }
        } catch (RestorePlanner.PlanException e) {
            ExactCopyRules.addError(results, e.configKey(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.warn("Could not read the backup set in {} while validating a config: {}", store.describe(),
                    e.getMessage());
        }
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return RestoreSourceConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return LifeboatVersion.get();
    }
}
