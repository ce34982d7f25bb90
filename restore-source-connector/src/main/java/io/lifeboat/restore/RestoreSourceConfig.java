package io.lifeboat.restore;

import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.config.Validators;
import io.lifeboat.core.layout.TimeRange;
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
import java.util.OptionalLong;
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

    public static final String START_TIME = "restore.start.time";
    private static final String START_TIME_DOC = "Point in time: restore each partition from the first record whose "
            + "timestamp is at or after this instant (the offset Kafka's offsetsForTimes returns for it). An ISO-8601 "
            + "instant with a zone offset (2026-12-02T14:00:00Z, 2026-12-02T15:00:00+01:00) or epoch milliseconds. "
            + "Records after that one are restored whatever their timestamp: a contiguous range of each partition, "
            + "never a filtered subset. Default: from the first record.";

    public static final String END_TIME = "restore.end.time";
    private static final String END_TIME_DOC = "Point in time: restore each partition up to, not including, the "
            + "first record whose timestamp is at or after this instant (the offset Kafka's offsetsForTimes returns "
            + "for it), such as just before a bad deploy. Same forms as restore.start.time, which must be "
            + "before it. Records before that one are restored whatever their timestamp. Default: up to the last "
            + "record.";

    public static final String CONSUMER_GROUPS = "restore.consumer.groups";
    private static final String CONSUMER_GROUPS_DOC = "Consumer groups to reposition in the target cluster, as a "
            + "regular expression matched against whole group ids (.* for all). Each matching group of the backup's "
            + "metadata snapshot (the newest taken at or before restore.end.time, else the newest) resumes, in every "
            + "restored partition, at exactly the first restored record whose original offset is at or after the "
            + "group's committed offset (the restored partition's end when there is none). Committed through "
            + "target.cluster.bootstrap.servers. A group with active members in the target cluster is not touched "
            + "and is reported. Default: none. Needs a backup that records metadata (source.cluster.bootstrap.servers).";

    public static final String CONSUMER_GROUP_PREFIX = "restore.consumer.group.prefix";
    private static final String CONSUMER_GROUP_PREFIX_DOC = "With restore.consumer.groups: commit each repositioned "
            + "group in the target cluster under this prefix and its own id (drill.orders-app for the group orders-app "
            + "with the prefix drill.), so that a drill or a trial restore into the cluster the groups live in leaves "
            + "the real groups alone. Default: none, the groups keep their ids.";

    public static final String TOPIC_CONFIGS = "restore.topic.configs";
    private static final String TOPIC_CONFIGS_DOC = "Topic configs for the topics the restore creates, as name=value "
            + "entries applied over the configs the backup recorded on the source topic (e.g. retention.ms=-1 to keep "
            + "old records). An entry without '=' continues the value before it (cleanup.policy=compact,delete); "
            + "an empty value (name=) leaves the config out, so the target broker's default applies. Configs that "
            + "do not carry over between clusters are not taken from the backup (replica throttles, tiered storage, "
            + "message.format.version, message.downconversion.enable, confluent.*) but are set when named here. "
            + "Existing target topics are not altered.";

    public static final String REPLICATION_FACTOR = "restore.replication.factor";
    private static final String REPLICATION_FACTOR_DOC = "Replication factor of the topics the restore creates; -1 "
            + "for the target broker's default (default.replication.factor).";

    public static final String MODE = "restore.mode";
    private static final String MODE_DOC = "once: restore what the backup set holds when the connector starts, "
            + "then idle. (follow, restoring new segments as the backup writes them, is not supported by this "
            + "version yet and is rejected.)";

    public static final String BATCH_SIZE = "restore.batch.size";
    private static final String BATCH_SIZE_DOC = "Most records a task hands to Connect in one poll.";

    /** Set by the connector on each task: the topic-partitions that task restores. */
    static final String TASK_PARTITIONS = "restore.task.partitions";
    /** Set by the connector on each task: its number, for the metrics' tags where the worker adds none. */
    static final String TASK_NUMBER = "restore.task.number";
    /** Set by the connector on each task: topic=snapshot key pairs whose consumer groups the task repositions. */
    static final String TASK_SNAPSHOTS = "restore.task.snapshots";

    private static final ConfigDef.Validator TIME_VALIDATOR = Validators.described(
            "ISO-8601 instant with a zone offset, or epoch milliseconds", (name, value) -> {
                if (value != null && !((String) value).isBlank()) {
                    try {
                        TimeRange.parseTime((String) value);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(name, value, e.getMessage());
                    }
                }
            });

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
                .define(START_TIME, Type.STRING, null, TIME_VALIDATOR,
                        Importance.MEDIUM, START_TIME_DOC, RESTORE_GROUP, ++order, Width.MEDIUM, "Start time")
                .define(END_TIME, Type.STRING, null, TIME_VALIDATOR,
                        Importance.MEDIUM, END_TIME_DOC, RESTORE_GROUP, ++order, Width.MEDIUM, "End time")
                .define(TOPIC_CONFIGS, Type.LIST, "", TopicConfigOverrides.VALIDATOR,
                        Importance.MEDIUM, TOPIC_CONFIGS_DOC, RESTORE_GROUP, ++order, Width.LONG,
                        "Configs of created topics")
                .define(REPLICATION_FACTOR, Type.INT, -1, Validators.described("-1, or 1 to 32767", (name, value) -> {
                            int factor = (Integer) value;
                            if (factor != -1 && (factor < 1 || factor > Short.MAX_VALUE)) {
                                throw new ConfigException(name, value,
                                        "-1 (the target broker's default) or a replica count from 1 to 32767");
                            }
                        }),
                        Importance.MEDIUM, REPLICATION_FACTOR_DOC, RESTORE_GROUP, ++order, Width.SHORT,
                        "Replication factor of created topics")
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
                .define(CONSUMER_GROUP_PREFIX, Type.STRING, "", Importance.LOW, CONSUMER_GROUP_PREFIX_DOC,
                        RESTORE_GROUP, ++order, Width.MEDIUM, "Prefix of repositioned groups")
                .define(MODE, Type.STRING, "once", Validators.described("once", (name, value) -> {
                            if (!"once".equals(value)) {
                                throw new ConfigException(name, value, "follow".equals(value)
                                        ? "follow (keep restoring new segments) is not supported by this version of "
                                        + "Lifeboat yet; use once" : "must be once (follow is not supported yet)");
                            }
                        }),
                        Importance.LOW, MODE_DOC, RESTORE_GROUP, ++order, Width.SHORT, "Mode")
                .defineInternal(TASK_PARTITIONS, Type.STRING, "", Importance.LOW)
                .defineInternal(TASK_SNAPSHOTS, Type.STRING, "", Importance.LOW)
                .defineInternal(TASK_NUMBER, Type.INT, 0, Importance.LOW);
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

    /**
     * The point in time to restore ({@link TimeRange#ALL} without {@value #START_TIME} and {@value #END_TIME}).
     *
     * @throws ConfigException naming {@value #END_TIME} when the start is not before the end
     */
    public TimeRange timeRange() {
        OptionalLong start = time(START_TIME);
        OptionalLong end = time(END_TIME);
        if (start.isPresent() && end.isPresent() && start.getAsLong() >= end.getAsLong()) {
            throw new ConfigException(END_TIME, getString(END_TIME), END_TIME + " (" + TimeRange.format(end.getAsLong())
                    + ") must be after " + START_TIME + " (" + TimeRange.format(start.getAsLong()) + "): the range "
                    + "restores the records from the start up to, not including, the end");
        }
        return new TimeRange(start, end);
    }

    private OptionalLong time(String key) {
        String value = getString(key);
        return value == null || value.isBlank() ? OptionalLong.empty() : OptionalLong.of(TimeRange.parseTime(value));
    }

    TopicConfigOverrides topicConfigs() {
        return TopicConfigOverrides.parse(getList(TOPIC_CONFIGS));
    }

    /** Replication factor of created topics; empty for the target broker's default. */
    public Optional<Short> replicationFactor() {
        int factor = getInt(REPLICATION_FACTOR);
        return factor == -1 ? Optional.empty() : Optional.of((short) factor);
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

    /** What the target cluster's group ids start with: {@value #CONSUMER_GROUP_PREFIX}, empty by default. */
    public String consumerGroupPrefix() {
        String prefix = getString(CONSUMER_GROUP_PREFIX);
        return prefix == null ? "" : prefix;
    }

    int taskNumber() {
        return getInt(TASK_NUMBER);
    }

    String taskSnapshots() {
        return getString(TASK_SNAPSHOTS);
    }

    String taskPartitions() {
        return getString(TASK_PARTITIONS);
    }
}
