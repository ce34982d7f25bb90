package io.lifeboat.restore;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Makes a target topic ready before the first record is written: creates it when missing with the
 * backed-up settings ({@link TopicSettings}: partition count, topic configs, restore.topic.configs),
 * after checking the configs it would have, and refuses to go on when the restore could not be
 * faithful ({@link TargetTopicChecks}; an existing topic with too few partitions). Existing topics
 * are never altered.
 */
final class TargetTopicPreparer {

    private static final Logger log = LoggerFactory.getLogger(TargetTopicPreparer.class);
    /** The longest an admin request of topic preparation waits. */
    static final long TIMEOUT_SECONDS = 60;

    private final Admin admin;
    private final TargetTopicCreator creator;
    private final TopicConfigOverrides overrides;
    private final long nowMillis;

    TargetTopicPreparer(Admin admin, TopicConfigOverrides overrides, long nowMillis) {
        this.admin = admin;
        this.creator = new TargetTopicCreator(admin, overrides);
        this.overrides = overrides;
        this.nowMillis = nowMillis;
    }

    /**
     * @param settings        how to create the topic when missing, and what the backup recorded of the source topic
     * @param oldestTimestamp oldest record timestamp the restore writes into the topic (a bound: with a time
     *                        range, that of the segments the range can touch), if any
     * @param newestTimestamp newest record timestamp the restore writes into the topic (a bound likewise), if any
     */
    void prepare(RestorePlanner.TopicPlan topic, TopicSettings settings, OptionalLong oldestTimestamp,
                 OptionalLong newestTimestamp) {
        String sourceTopic = topic.sourceTopic();
        String targetTopic = topic.targetTopic();
        Optional<TopicDescription> existing = describe(targetTopic);
        if (existing.isEmpty() && createChecked(topic, settings, oldestTimestamp, newestTimestamp)) {
            return;
        }
        existing = existing.isPresent() ? existing : describe(targetTopic);
        int actual = existing.map(d -> d.partitions().size()).orElse(0);
        if (actual < topic.partitions()) {
            throw new ConnectException("Target topic " + targetTopic + " has " + actual
                    + " partitions but the backup of " + sourceTopic + " has " + topic.partitions()
                    + ": records must land in the partition of the same number. Add partitions to " + targetTopic
                    + " (or delete it so that the restore creates it) and restart the connector.");
        }
        Config config = topicConfig(targetTopic);
        logDifferences(config, targetTopic, settings);
        new TargetTopicChecks(sourceTopic, targetTopic, false, settings, overrides, nowMillis)
                .check(config, OptionalInt.empty(), oldestTimestamp, newestTimestamp);
    }

    /**
     * Checks the configs the topic would be created with, then creates it. False when the topic
     * appeared meanwhile: it is then an existing topic.
     */
    private boolean createChecked(RestorePlanner.TopicPlan topic, TopicSettings settings, OptionalLong oldestTimestamp,
                                  OptionalLong newestTimestamp) {
        TargetTopicCreator.DryRun dryRun;
        try {
            dryRun = creator.dryRun(topic.targetTopic(), settings);
        } catch (TopicExistsException e) {
            return false;
        }
        new TargetTopicChecks(topic.sourceTopic(), topic.targetTopic(), true, settings, overrides, nowMillis)
                .check(dryRun.config(), dryRun.replicationFactor(), oldestTimestamp, newestTimestamp);
        if (!creator.create(topic.sourceTopic(), topic.targetTopic(), settings)) {
            return false;
        }
        topicConfig(topic.targetTopic()); // waits until the brokers know the new topic
        return true;
    }

    /** An existing topic is left as it is; say where it differs from what the restore would have created. */
    private static void logDifferences(Config config, String targetTopic, TopicSettings settings) {
        Map<String, String> differences = new TreeMap<>();
        settings.configs().forEach((name, wanted) -> {
            String actual = TargetTopicChecks.value(config, name);
            if (!wanted.equals(actual)) {
                differences.put(name, actual + " (would be " + wanted + ")");
            }
        });
        if (!differences.isEmpty()) {
            log.info("Target topic {} exists and is not altered; its configs differ from those the restore would have "
                    + "created it with (from {} and {}): {}", targetTopic, settings.origin(),
                    RestoreSourceConfig.TOPIC_CONFIGS, differences);
        }
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

    static ConnectException failure(String action, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new ConnectException("Cannot " + action + " in the target cluster (" 
                + RestoreSourceConfig.TARGET_BOOTSTRAP_SERVERS + "): " + cause, cause);
    }
}
