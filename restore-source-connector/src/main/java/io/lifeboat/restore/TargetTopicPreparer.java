package io.lifeboat.restore;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Makes a target topic ready before the first record is written: creates it with the backup's
 * partition count when missing, and refuses to go on when the restore could not be faithful (too
 * few partitions, a retention by time or by size that would delete restored records, compaction
 * that would remove restored records after the restore reports success, broker-assigned
 * timestamps).
 */
final class TargetTopicPreparer {

    private static final Logger log = LoggerFactory.getLogger(TargetTopicPreparer.class);
    private static final long TIMEOUT_SECONDS = 60;

    private final Admin admin;
    private final long nowMillis;

    TargetTopicPreparer(Admin admin, long nowMillis) {
        this.admin = admin;
        this.nowMillis = nowMillis;
    }

    /**
     * @param sourceTopic     the backed-up topic, for messages
     * @param partitions      partition count the backup needs
     * @param oldestTimestamp oldest record timestamp the restore writes into the topic (a bound: with a time
     *                        range, that of the segments the range can touch), if any
     * @param newestTimestamp newest record timestamp the restore writes into the topic (a bound likewise), if any
     */
    void prepare(String sourceTopic, String targetTopic, int partitions, OptionalLong oldestTimestamp,
                 OptionalLong newestTimestamp) {
        Optional<TopicDescription> existing = describe(targetTopic);
        if (existing.isEmpty()) {
            create(targetTopic, partitions);
        } else if (existing.get().partitions().size() < partitions) {
            throw new ConnectException("Target topic " + targetTopic + " has " + existing.get().partitions().size()
                    + " partitions but the backup of " + sourceTopic + " has " + partitions
                    + ": records must land in the partition of the same number. Add partitions to " + targetTopic
                    + " (or delete it so that the restore creates it) and restart the connector.");
        }
        Config config = topicConfig(targetTopic);
        checkCleanup(config, sourceTopic, targetTopic);
        checkConfig(config, sourceTopic, targetTopic, oldestTimestamp);
        checkNewest(config, sourceTopic, targetTopic, newestTimestamp);
    }

    /**
     * Refuses to write into a target partition that already holds records this restore did not
     * write (no restore progress for it): the backup would land after them, so the partition would
     * not be the backed-up one. {@code restored} tells whether a partition has restore progress.
     */
    void requireEmptyOrOwn(String sourceTopic, String targetTopic, int partitions, RestoredCheck restored) {
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            earliest.put(new TopicPartition(targetTopic, p), OffsetSpec.earliest());
            latest.put(new TopicPartition(targetTopic, p), OffsetSpec.latest());
        }
        try {
            var starts = admin.listOffsets(earliest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            var ends = admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (int p = 0; p < partitions; p++) {
                TopicPartition tp = new TopicPartition(targetTopic, p);
                long records = ends.get(tp).offset() - starts.get(tp).offset();
                if (records > 0 && !restored.hasProgress(p, ends.get(tp).offset())) {
                    throw new ConnectException("Target partition " + tp + " already holds " + records + " records "
                            + "that this restore of " + sourceTopic + " cannot account for (it saved no progress for "
                            + "this partition in this cluster): the backup would land after them. Restore into a new "
                            + "or empty topic (restore.topic.mapping), or delete " + targetTopic
                            + " first. (A worker that died during a restore without exactly-once support can also "
                            + "leave records behind whose progress was not saved; delete the topic and restart.)");
                }
            }
        } catch (ConnectException e) {
            throw e;
        } catch (Exception e) {
            throw failure("read the offsets of target topic " + targetTopic, e);
        }
    }

    /** Whether the restore wrote to a target partition before. */
    @FunctionalInterface
    interface RestoredCheck {
        /**
         * @param partition       partition number
         * @param targetEndOffset the target partition's end offset now (to check a probe offset)
         */
        boolean hasProgress(int partition, long targetEndOffset);
    }

    private Optional<TopicDescription> describe(String topic) {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw failure("describe target topic " + topic, e);
        } catch (Exception e) {
            throw failure("describe target topic " + topic, e);
        }
    }

    private void create(String topic, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            log.info("Created target topic {} with {} partitions", topic, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw failure("create target topic " + topic + " with " + partitions + " partitions", e);
            }
            prepareExistingAfterRace(topic, partitions);
        } catch (Exception e) {
            throw failure("create target topic " + topic, e);
        }
    }

    private void prepareExistingAfterRace(String topic, int partitions) {
        int actual = describe(topic).map(d -> d.partitions().size()).orElse(0);
        if (actual < partitions) {
            throw new ConnectException("Target topic " + topic + " appeared with " + actual
                    + " partitions while the restore was creating it with " + partitions);
        }
    }

    /**
     * Compaction and a retention by size both remove records of a partition while the restore, or
     * a verification after it, still counts them; neither is a faithful copy of the backup. The
     * target topic's effective configs (broker defaults included) are checked.
     */
    private static void checkCleanup(Config config, String sourceTopic, String targetTopic) {
        String cleanup = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
        if (cleanup != null && cleanup.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new ConnectException("Target topic " + targetTopic + " has cleanup.policy=" + cleanup
                    + ": compaction would remove restored records of " + sourceTopic + " (all but the newest per key) "
                    + "after the restore reports success, so the restored topic would not be the backed-up one. Set "
                    + "cleanup.policy=delete on " + targetTopic + " for the restore and restart the connector; switch "
                    + "it to " + cleanup + " after verifying the restore.");
        }
        long retentionBytes = parseLong(value(config, TopicConfig.RETENTION_BYTES_CONFIG), -1);
        if (cleanup != null && cleanup.contains(TopicConfig.CLEANUP_POLICY_DELETE) && retentionBytes >= 0) {
            throw new ConnectException("Target topic " + targetTopic + " has retention.bytes=" + retentionBytes
                    + " (cleanup.policy=" + cleanup + "): the broker would delete the oldest restored records of "
                    + sourceTopic + " once a partition holds more than that. Set retention.bytes=-1 on " + targetTopic
                    + " for the restore and restart the connector; it can be changed after verifying the restore.");
        }
    }

    private void checkConfig(Config config, String sourceTopic, String targetTopic, OptionalLong oldestTimestamp) {
        String timestampType = value(config, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
        if ("LogAppendTime".equalsIgnoreCase(timestampType)) {
            throw new ConnectException("Target topic " + targetTopic + " has message.timestamp.type=LogAppendTime: "
                    + "the broker would replace the original timestamps of the restored records. Set it to "
                    + "CreateTime and restart the connector.");
        }
        if (oldestTimestamp.isEmpty()) {
            return;
        }
        long oldest = oldestTimestamp.getAsLong();
        String cleanup = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
        long retention = parseLong(value(config, TopicConfig.RETENTION_MS_CONFIG), -1);
        if (cleanup != null && cleanup.contains(TopicConfig.CLEANUP_POLICY_DELETE) && retention >= 0
                && oldest < nowMillis - retention) {
            throw new ConnectException("Restoring " + sourceTopic + " into " + targetTopic + " would lose records: "
                    + "the target topic's retention.ms is " + retention + " and the backup's oldest record has "
                    + "timestamp " + oldest + " (" + Instant.ofEpochMilli(oldest) + "), so the broker would delete "
                    + "it right after the restore writes it. Raise retention.ms of " + targetTopic
                    + " (or set it to -1) and restart the connector.");
        }
        long maxAge = parseLong(value(config, "message.timestamp.before.max.ms"), Long.MAX_VALUE);
        if (maxAge < Long.MAX_VALUE && oldest < nowMillis - maxAge) {
            throw new ConnectException("Target topic " + targetTopic + " has message.timestamp.before.max.ms="
                    + maxAge + " and would reject the backup's oldest record of " + sourceTopic + " (timestamp "
                    + oldest + ", " + Instant.ofEpochMilli(oldest) + "). Raise it and restart the connector.");
        }
    }

    private void checkNewest(Config config, String sourceTopic, String targetTopic, OptionalLong newestTimestamp) {
        if (newestTimestamp.isEmpty()) {
            return;
        }
        long newest = newestTimestamp.getAsLong();
        long maxAhead = parseLong(value(config, "message.timestamp.after.max.ms"), Long.MAX_VALUE);
        if (maxAhead < Long.MAX_VALUE && newest > nowMillis + maxAhead) {
            throw new ConnectException("Target topic " + targetTopic + " has message.timestamp.after.max.ms="
                    + maxAhead + " and would reject the backup's newest record of " + sourceTopic + " (timestamp "
                    + newest + ", " + Instant.ofEpochMilli(newest) + ", in the future of this worker's clock). "
                    + "Raise it and restart the connector.");
        }
    }

    /**
     * The topic's configuration. Right after a topic is created, brokers may not know it yet and
     * answer UNKNOWN_TOPIC_OR_PARTITION for a moment: that is retried until the timeout.
     */
    private Config topicConfig(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS);
        while (true) {
            try {
                Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(resource)).all()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return configs.get(resource);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
                        || System.currentTimeMillis() > deadline) {
                    throw failure("read the configuration of target topic " + topic, e);
                }
                pause(topic);
            } catch (Exception e) {
                throw failure("read the configuration of target topic " + topic, e);
            }
        }
    }

    private static void pause(String topic) {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while waiting for target topic " + topic + " to appear", e);
        }
    }

    private static String value(Config config, String name) {
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

    private static ConnectException failure(String action, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new ConnectException("Cannot " + action + " in the target cluster (" 
                + RestoreSourceConfig.TARGET_BOOTSTRAP_SERVERS + "): " + cause, cause);
    }
}
