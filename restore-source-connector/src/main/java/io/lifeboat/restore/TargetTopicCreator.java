package io.lifeboat.restore;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates a missing target topic with its {@link TopicSettings} in two steps: a dry run
 * ({@code validateOnly}) that tells the configs the topic would have (broker defaults included) so
 * that they are checked before anything exists, then the creation. A config the target cluster
 * rejects stops the restore naming that config, where it came from and how to override or drop it.
 */
final class TargetTopicCreator {

    private static final Logger log = LoggerFactory.getLogger(TargetTopicCreator.class);

    /** What the dry run says the topic would be. */
    record DryRun(Config config, OptionalInt replicationFactor) {
    }

    private final Admin admin;
    private final TopicConfigOverrides overrides;

    TargetTopicCreator(Admin admin, TopicConfigOverrides overrides) {
        this.admin = admin;
        this.overrides = overrides;
    }

    /** The dry run; throws {@link TopicExistsException} when the topic appeared meanwhile. */
    DryRun dryRun(String topic, TopicSettings settings) {
        NewTopic newTopic = newTopic(topic, settings, settings.configs());
        try {
            CreateTopicsResult result = admin.createTopics(List.of(newTopic), new CreateTopicsOptions().validateOnly(true));
            result.all().get(TargetTopicPreparer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Config config = result.config(topic).get(TargetTopicPreparer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            int factor = result.replicationFactor(topic).get(TargetTopicPreparer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new DryRun(config, factor > 0 ? OptionalInt.of(factor) : OptionalInt.empty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException exists) {
                throw exists;
            }
            throw rejected(topic, settings, e.getCause());
        } catch (Exception e) {
            throw TargetTopicPreparer.failure("check the creation of target topic " + topic, e);
        }
    }

    /** Creates the topic; false when it appeared meanwhile (then it is an existing topic). */
    boolean create(String sourceTopic, String topic, TopicSettings settings) {
        try {
            admin.createTopics(List.of(newTopic(topic, settings, settings.configs()))).all()
                    .get(TargetTopicPreparer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw rejected(topic, settings, e.getCause());
        } catch (Exception e) {
            throw TargetTopicPreparer.failure("create target topic " + topic, e);
        }
        log.info("Created target topic {} with {} partitions, replication factor {}, configs {} (from {}{})", topic,
                settings.partitions(), settings.replicationFactor().map(String::valueOf).orElse("of the broker default"),
                new TreeMap<>(settings.configs()), settings.origin(),
                overrides.isEmpty() ? "" : " and " + RestoreSourceConfig.TOPIC_CONFIGS + " " + overrides);
        if (!settings.merge().dropped().isEmpty()) {
            log.info("Backed-up configs of {} not carried over to {}, as they do not carry over between clusters "
                    + "(set them with {} if they should): {}", sourceTopic, topic, RestoreSourceConfig.TOPIC_CONFIGS,
                    settings.merge().dropped());
        }
        if (!settings.merge().overridden().isEmpty()) {
            log.info("Backed-up configs of {} replaced or left out by {}: {}", sourceTopic,
                    RestoreSourceConfig.TOPIC_CONFIGS, settings.merge().overridden());
        }
        if (settings.snapshot().isEmpty()) {
            log.warn("The backup set holds no metadata snapshot of topic {}: created {} with the partition count only{}, "
                    + "and the target cluster's defaults for everything else (the source topic's configs are not "
                    + "known; a backup with source.cluster.bootstrap.servers records them)", sourceTopic, topic,
                    overrides.isEmpty() ? "" : " and " + RestoreSourceConfig.TOPIC_CONFIGS);
        }
        return true;
    }

    private static NewTopic newTopic(String topic, TopicSettings settings, Map<String, String> configs) {
        return new NewTopic(topic, Optional.of(settings.partitions()), settings.replicationFactor())
                .configs(configs);
    }

    /** The target cluster refuses the topic: find the configs at fault by trying each alone. */
    private ConnectException rejected(String topic, TopicSettings settings, Throwable cause) {
        if (cause instanceof InvalidReplicationFactorException) {
            return new ConnectException("The target cluster refuses to create topic " + topic + " with replication "
                    + "factor " + settings.replicationFactor().map(String::valueOf).orElse("of its default")
                    + ": " + cause.getMessage() + ". Set " + RestoreSourceConfig.REPLICATION_FACTOR + " to at most the "
                    + "number of brokers (-1 for the broker default) and restart the connector.", cause);
        }
        if (!(cause instanceof InvalidConfigurationException || cause instanceof PolicyViolationException
                || cause instanceof InvalidRequestException)) {
            return TargetTopicPreparer.failure("create target topic " + topic + " with " + settings.partitions()
                    + " partitions", cause instanceof Exception e ? e : new ExecutionException(cause));
        }
        List<String> atFault = new ArrayList<>();
        for (Map.Entry<String, String> config : settings.configs().entrySet()) {
            if (!acceptedAlone(topic, settings, config)) {
                atFault.add(config.getKey() + "=" + config.getValue() + " (" + origin(config.getKey(), settings) + ")");
            }
        }
        String which = atFault.isEmpty() ? "configs " + settings.configs() : "topic config " + String.join(", ", atFault);
        return new ConnectException("The target cluster refuses to create topic " + topic + " with " + which + ": "
                + cause.getMessage() + ". Override it with " + RestoreSourceConfig.TOPIC_CONFIGS + "=<name>=<value it "
                + "accepts>, or leave it out with " + RestoreSourceConfig.TOPIC_CONFIGS + "=<name>= (the target "
                + "broker's default then applies), and restart the connector (nothing was created or written).", cause);
    }

    private boolean acceptedAlone(String topic, TopicSettings settings, Map.Entry<String, String> config) {
        try {
            admin.createTopics(List.of(newTopic(topic, settings, Map.of(config.getKey(), config.getValue()))),
                    new CreateTopicsOptions().validateOnly(true)).all().get(TargetTopicPreparer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return !(e.getCause() instanceof InvalidConfigurationException
                    || e.getCause() instanceof PolicyViolationException || e.getCause() instanceof InvalidRequestException);
        } catch (Exception e) {
            throw TargetTopicPreparer.failure("check the creation of target topic " + topic, e);
        }
    }

    private String origin(String config, TopicSettings settings) {
        return overrides.names(config) ? "from " + RestoreSourceConfig.TOPIC_CONFIGS
                : "from the backup's " + settings.origin();
    }
}
