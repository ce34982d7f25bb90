package io.lifeboat.restore;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The rules a target topic's effective configs (broker defaults included) must pass before the
 * first record is written, so that the restored topic is the backed-up one: no retention by time or
 * by size that would delete restored records, no broker-assigned timestamps, no timestamp bounds
 * that reject records, and no compaction unless the source topic was compacted too (the backup's
 * snapshot says so, or the user asked for it with restore.topic.configs). Each refusal names the
 * topic, the config and the fix: for a topic the restore is about to create, an entry of
 * restore.topic.configs; for an existing topic, the config to change on it.
 */
final class TargetTopicChecks {

    private static final Logger log = LoggerFactory.getLogger(TargetTopicChecks.class);

    private final String sourceTopic;
    private final String targetTopic;
    private final boolean toCreate;
    private final TopicSettings settings;
    private final TopicConfigOverrides overrides;
    private final long nowMillis;

    /**
     * @param toCreate whether the restore is about to create the target topic with {@code settings}
     *                 (nothing created yet), rather than write into an existing one
     */
    TargetTopicChecks(String sourceTopic, String targetTopic, boolean toCreate, TopicSettings settings,
                      TopicConfigOverrides overrides, long nowMillis) {
        this.sourceTopic = sourceTopic;
        this.targetTopic = targetTopic;
        this.toCreate = toCreate;
        this.settings = settings;
        this.overrides = overrides;
        this.nowMillis = nowMillis;
    }

    /**
     * @param config            the target topic's effective configs (those it would be created with)
     * @param replicationFactor the topic's replication factor, when known
     * @param oldestTimestamp   oldest record timestamp in the backup of the topic, if any
     * @param newestTimestamp   newest record timestamp in the backup of the topic, if any
     */
    void check(Config config, OptionalInt replicationFactor, OptionalLong oldestTimestamp, OptionalLong newestTimestamp) {
        checkCleanup(config);
        checkTimestamps(config, oldestTimestamp, newestTimestamp);
        checkMinInSync(config, replicationFactor);
    }

    private String has() {
        return toCreate ? "would be created with " : "has ";
    }

    /** How to set {@code name=value}: an override for a topic to create, a config change on an existing one. */
    private String fix(String name, String value) {
        return toCreate
                ? "Add " + RestoreSourceConfig.TOPIC_CONFIGS + "=" + name + "=" + value + " to the restore connector "
                  + "(nothing was created or written) and restart it"
                : "Set " + name + "=" + value + " on " + targetTopic + " (an existing topic, which the restore "
                  + "does not alter) and restart the connector";
    }

    private void checkCleanup(Config config) {
        String cleanup = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
        if (cleanup != null && cleanup.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            checkCompaction(cleanup);
        }
        long retentionBytes = parseLong(value(config, TopicConfig.RETENTION_BYTES_CONFIG), -1);
        if (cleanup != null && cleanup.contains(TopicConfig.CLEANUP_POLICY_DELETE) && retentionBytes >= 0) {
            throw new ConnectException("Target topic " + targetTopic + " " + has() + "retention.bytes=" + retentionBytes
                    + " (cleanup.policy=" + cleanup + "): the broker would delete the oldest restored records of "
                    + sourceTopic + " once a partition holds more than that. " + fix("retention.bytes", "-1")
                    + "; it can be changed after verifying the restore.");
        }
    }

    private void checkCompaction(String cleanup) {
        boolean asked = overrides.set().getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, "")
                .contains(TopicConfig.CLEANUP_POLICY_COMPACT);
        if (settings.sourceCompacted() || asked) {
            log.info("Target topic {} is compacted (cleanup.policy={}) as {}: the log cleaner may remove superseded "
                    + "records (all but the newest per key, tombstones after delete.retention.ms) after the restore, "
                    + "as it did in the original topic; a verification of the restored topic against the backup can "
                    + "then miss them", targetTopic, cleanup, settings.sourceCompacted()
                    ? "the source topic " + sourceTopic + " was (" + settings.origin() + ")"
                    : RestoreSourceConfig.TOPIC_CONFIGS + " asks");
            return;
        }
        throw new ConnectException("Target topic " + targetTopic + " " + has() + "cleanup.policy=" + cleanup
                + ": compaction would remove restored records of " + sourceTopic + " (all but the newest per key) "
                + "after the restore reports success, and the backup does not say the source topic was compacted ("
                + settings.origin() + "), so the restored topic would not be the backed-up one. "
                + (toCreate
                ? fix(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE) + " (or "
                  + RestoreSourceConfig.TOPIC_CONFIGS + "=cleanup.policy=" + cleanup + " if the source topic was "
                  + "compacted and the restored one should be too)."
                : "Set cleanup.policy=delete on " + targetTopic + " for the restore and restart the connector; switch "
                  + "it to " + cleanup + " after verifying the restore (or add " + RestoreSourceConfig.TOPIC_CONFIGS
                  + "=cleanup.policy=" + cleanup + " if the source topic was compacted and the restored one should be "
                  + "too)."));
    }

    private void checkTimestamps(Config config, OptionalLong oldestTimestamp, OptionalLong newestTimestamp) {
        String timestampType = value(config, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
        if ("LogAppendTime".equalsIgnoreCase(timestampType)) {
            throw new ConnectException("Target topic " + targetTopic + " " + has() + "message.timestamp.type="
                    + "LogAppendTime: the broker would replace the original timestamps of the restored records. "
                    + fix(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime") + ".");
        }
        if (oldestTimestamp.isPresent()) {
            long oldest = oldestTimestamp.getAsLong();
            String cleanup = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
            long retention = parseLong(value(config, TopicConfig.RETENTION_MS_CONFIG), -1);
            if (cleanup != null && cleanup.contains(TopicConfig.CLEANUP_POLICY_DELETE) && retention >= 0
                    && oldest < nowMillis - retention) {
                throw new ConnectException("Restoring " + sourceTopic + " into " + targetTopic + " would lose records: "
                        + "the target topic " + has() + "retention.ms=" + retention + " and the backup's oldest record "
                        + "has timestamp " + oldest + " (" + Instant.ofEpochMilli(oldest) + "), so the broker would "
                        + "delete it right after the restore writes it. " + (toCreate
                        ? "To keep old records, add " + RestoreSourceConfig.TOPIC_CONFIGS + "=retention.ms=-1 (or a "
                          + "retention.ms above " + (nowMillis - oldest) + ") to the restore connector (nothing was "
                          + "created or written) and restart it."
                        : "Raise retention.ms of " + targetTopic + " (or set it to -1; the restore does not alter an "
                          + "existing topic, " + RestoreSourceConfig.TOPIC_CONFIGS + " applies to topics it creates) "
                          + "and restart the connector."));
            }
            long maxAge = parseLong(value(config, "message.timestamp.before.max.ms"), Long.MAX_VALUE);
            if (maxAge < Long.MAX_VALUE && oldest < nowMillis - maxAge) {
                throw new ConnectException("Target topic " + targetTopic + " " + has() + "message.timestamp.before.max.ms="
                        + maxAge + " and would reject the backup's oldest record of " + sourceTopic + " (timestamp "
                        + oldest + ", " + Instant.ofEpochMilli(oldest) + "). "
                        + fix("message.timestamp.before.max.ms", String.valueOf(Long.MAX_VALUE)) + ".");
            }
        }
        if (newestTimestamp.isPresent()) {
            long newest = newestTimestamp.getAsLong();
            long maxAhead = parseLong(value(config, "message.timestamp.after.max.ms"), Long.MAX_VALUE);
            if (maxAhead < Long.MAX_VALUE && newest > nowMillis + maxAhead) {
                throw new ConnectException("Target topic " + targetTopic + " " + has() + "message.timestamp.after.max.ms="
                        + maxAhead + " and would reject the backup's newest record of " + sourceTopic + " (timestamp "
                        + newest + ", " + Instant.ofEpochMilli(newest) + ", in the future of this worker's clock). "
                        + fix("message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE)) + ".");
            }
        }
    }

    /** A topic with fewer replicas than min.insync.replicas refuses every write with acks=all (the restore's). */
    private void checkMinInSync(Config config, OptionalInt replicationFactor) {
        long minInSync = parseLong(value(config, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), 1);
        if (toCreate && replicationFactor.isPresent() && minInSync > replicationFactor.getAsInt()) {
            throw new ConnectException("Target topic " + targetTopic + " would be created with replication factor "
                    + replicationFactor.getAsInt() + " (" + RestoreSourceConfig.REPLICATION_FACTOR + ", -1 is the "
                    + "target broker's default) and min.insync.replicas=" + minInSync + ": the broker would refuse "
                    + "every restored record (NOT_ENOUGH_REPLICAS). Set " + RestoreSourceConfig.REPLICATION_FACTOR
                    + " to " + minInSync + " or more, or add " + RestoreSourceConfig.TOPIC_CONFIGS
                    + "=min.insync.replicas=" + replicationFactor.getAsInt() + ", and restart the connector (nothing "
                    + "was created or written).");
        }
    }

    static String value(Config config, String name) {
        ConfigEntry entry = config.get(name);
        return entry == null ? null : entry.value();
    }

    private static long parseLong(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
