package io.lifeboat.restore;

import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.config.Validators;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Configuration of the restore source connector: the shared storage keys, what to restore and where. */
public final class RestoreSourceConfig extends AbstractConfig {

    public static final String RESTORE_GROUP = "Restore";

    public static final String RESTORE_TOPICS = "restore.topics";
    private static final String RESTORE_TOPICS_DOC = "Backed-up topics to restore. Default: every topic in the "
            + "backup set. Naming a topic that the backup set does not hold is an error.";

    public static final String RESTORE_TOPIC_MAPPING = "restore.topic.mapping";
    private static final String RESTORE_TOPIC_MAPPING_DOC = "Restore topics under other names, as a list of "
            + "source:target pairs (orders:orders_restored). Topics not listed keep their name.";

    public static final String TARGET_PREFIX = "target.cluster.";
    public static final String TARGET_BOOTSTRAP_SERVERS = TARGET_PREFIX + "bootstrap.servers";
    private static final String TARGET_BOOTSTRAP_SERVERS_DOC = "Bootstrap servers of the cluster the restore "
            + "writes to (the worker's cluster, or the cluster set with producer.override.bootstrap.servers), "
            + "for the admin work a restore needs: creating topics and checking their partitions and retention. "
            + "Other admin client settings of that cluster go under the 'target.cluster.' prefix "
            + "(target.cluster.security.protocol, ...).";

    public static final String CONSUMER_GROUPS = "restore.consumer.groups";
    private static final String CONSUMER_GROUPS_DOC = "Consumer groups to reposition in the target cluster, as a "
            + "regular expression matched against whole group ids (.* for all). Each matching group of the backup's "
            + "metadata snapshot (the newest taken at or before restore.end.time, else the newest) resumes, in every "
            + "restored partition, at exactly the first restored record whose original offset is at or after the "
            + "group's committed offset (the restored partition's end when there is none). Committed through "
            + "target.cluster.bootstrap.servers. A group with active members in the target cluster is not touched "
            + "and is reported. Default: none. Needs a backup that records metadata (source.cluster.bootstrap.servers).";

    public static final String BATCH_SIZE = "restore.batch.size";
    private static final String BATCH_SIZE_DOC = "Most records a task hands to Connect in one poll.";

    /** Set by the connector on each task: the topic-partitions that task restores. */
    static final String TASK_PARTITIONS = "restore.task.partitions";
    /** Set by the connector on each task: topic=snapshot key pairs whose consumer groups the task repositions. */
    static final String TASK_SNAPSHOTS = "restore.task.snapshots";

    public static final ConfigDef CONFIG_DEF = configDef();

    public RestoreSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    private static ConfigDef configDef() {
        ConfigDef def = StorageConfig.define(new ConfigDef());
        int order = 0;
        return def
                .define(RESTORE_TOPICS, Type.LIST, "", TopicMapping.TOPIC_LIST_VALIDATOR,
                        Importance.HIGH, RESTORE_TOPICS_DOC, RESTORE_GROUP, ++order, Width.LONG, "Topics to restore")
                .define(RESTORE_TOPIC_MAPPING, Type.LIST, "", TopicMapping.MAPPING_VALIDATOR,
                        Importance.MEDIUM, RESTORE_TOPIC_MAPPING_DOC, RESTORE_GROUP, ++order, Width.LONG,
                        "Topic renames")
                .define(TARGET_BOOTSTRAP_SERVERS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE,
                        Validators.described("host:port list", (name, value) -> {
                            if (value == null || ((List<?>) value).isEmpty()) {
                                throw new ConfigException(name, value, "the target cluster's bootstrap servers are required");
                            }
                        }),
                        Importance.HIGH, TARGET_BOOTSTRAP_SERVERS_DOC, RESTORE_GROUP, ++order, Width.LONG,
                        "Target cluster bootstrap servers")
                .define(BATCH_SIZE, Type.INT, 2000, Range.between(1, 100_000),
                        Importance.LOW, BATCH_SIZE_DOC, RESTORE_GROUP, ++order, Width.SHORT, "Batch size")
                .define(CONSUMER_GROUPS, Type.STRING, "", Validators.described("regular expression", (name, value) -> {
                            try {
                                Pattern.compile(String.valueOf(value));
                            } catch (PatternSyntaxException e) {
                                throw new ConfigException(name, value, "not a valid regular expression: " + e.getDescription());
                            }
                        }),
                        Importance.MEDIUM, CONSUMER_GROUPS_DOC, RESTORE_GROUP, ++order, Width.LONG, "Consumer groups")
                .defineInternal(TASK_PARTITIONS, Type.STRING, "", Importance.LOW)
                .defineInternal(TASK_SNAPSHOTS, Type.STRING, "", Importance.LOW);
    }

    public StorageConfig storage() {
        return new StorageConfig(this);
    }

    public List<String> restoreTopics() {
        return getList(RESTORE_TOPICS);
    }

    public TopicMapping topicMapping() {
        return TopicMapping.parse(getList(RESTORE_TOPIC_MAPPING));
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    /** Admin client settings for the target cluster: every {@code target.cluster.*} key, prefix removed. */
    public List<String> targetBootstrapServers() {
        return getList(TARGET_BOOTSTRAP_SERVERS);
    }

    public Map<String, Object> targetAdminConfig() {
        Map<String, Object> admin = new HashMap<>(originalsWithPrefix(TARGET_PREFIX));
        admin.put("bootstrap.servers", String.join(",", targetBootstrapServers()));
        admin.putIfAbsent("client.id", "lifeboat-restore-admin");
        return admin;
    }

    /** The groups to reposition, or empty when none. */
    public Optional<Pattern> consumerGroups() {
        String regex = getString(CONSUMER_GROUPS);
        return regex == null || regex.isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(regex));
    }

    String taskSnapshots() {
        return getString(TASK_SNAPSHOTS);
    }

    String taskPartitions() {
        return getString(TASK_PARTITIONS);
    }
}
