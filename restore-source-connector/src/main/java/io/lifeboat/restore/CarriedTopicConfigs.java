package io.lifeboat.restore;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which backed-up topic configs a topic the restore creates gets: the configs the backup's snapshot
 * recorded on the source topic, minus those that do not carry over between clusters, plus the
 * user's {@code restore.topic.configs} (which win, also over an excluded config: the user asked).
 *
 * <p>Not carried over, because they name things of the source cluster or need features the target
 * may lack:
 * <ul>
 *   <li>{@code leader.replication.throttled.replicas}, {@code follower.replication.throttled.replicas}:
 *       replica throttles list the source cluster's broker ids;</li>
 *   <li>{@code remote.storage.enable}, {@code remote.log.copy.disable}, {@code remote.log.delete.on.disable},
 *       {@code local.retention.ms}, {@code local.retention.bytes}: tiered storage, which a target cluster
 *       without a remote log manager refuses (and the local.* ones only mean something with it);</li>
 *   <li>{@code message.format.version}, {@code message.downconversion.enable}: removed in Kafka 4;</li>
 *   <li>{@code confluent.*}: Confluent Server's own (placement constraints naming the source's racks,
 *       tiering, ...).</li>
 * </ul>
 */
final class CarriedTopicConfigs {

    static final List<String> NOT_CARRIED = List.of(
            "leader.replication.throttled.replicas",
            "follower.replication.throttled.replicas",
            "remote.storage.enable",
            "remote.log.copy.disable",
            "remote.log.delete.on.disable",
            "local.retention.ms",
            "local.retention.bytes",
            "message.format.version",
            "message.downconversion.enable");

    static final String NOT_CARRIED_PREFIX = "confluent.";

    /**
     * @param configs    what the created topic is given, by name
     * @param dropped    backed-up configs left out because they do not carry over, by name, with their values
     * @param overridden backed-up configs that restore.topic.configs replaced or dropped, with the backed-up values
     */
    record Merge(Map<String, String> configs, Map<String, String> dropped, Map<String, String> overridden) {
        Merge {
            configs = Map.copyOf(configs);
            dropped = Map.copyOf(dropped);
            overridden = Map.copyOf(overridden);
        }
    }

    private CarriedTopicConfigs() {
    }

    static boolean carriesOver(String config) {
        return !NOT_CARRIED.contains(config) && !config.startsWith(NOT_CARRIED_PREFIX);
    }

    /** The configs of a created topic from the backed-up ones (empty when there is no snapshot) and the overrides. */
    static Merge merge(Map<String, String> backedUp, TopicConfigOverrides overrides) {
        Map<String, String> configs = new TreeMap<>();
        Map<String, String> dropped = new TreeMap<>();
        Map<String, String> overridden = new TreeMap<>();
        backedUp.forEach((name, value) -> {
            if (overrides.names(name)) {
                overridden.put(name, value);
            } else if (carriesOver(name)) {
                configs.put(name, value);
            } else {
                dropped.put(name, value);
            }
        });
        configs.putAll(overrides.set());
        return new Merge(configs, dropped, overridden);
    }
}
