package io.lifeboat.restore;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules on the effective configs of a target topic, for a topic to create and an existing one. */
class TargetTopicChecksTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static final OptionalLong OLDEST = OptionalLong.of(NOW - 30 * DAY);

    private static TopicSettings settings(Map<String, String> backedUp, TopicConfigOverrides overrides) {
        return new TopicSettings(1, Optional.empty(), CarriedTopicConfigs.merge(backedUp, overrides), Optional.empty(),
                backedUp);
    }

    private static Config config(String... keyValues) {
        List<ConfigEntry> entries = new java.util.ArrayList<>();
        entries.add(new ConfigEntry("cleanup.policy", "delete"));
        entries.add(new ConfigEntry("retention.ms", "-1"));
        entries.add(new ConfigEntry("retention.bytes", "-1"));
        for (int i = 0; i < keyValues.length; i += 2) {
            String name = keyValues[i];
            entries.removeIf(e -> e.name().equals(name));
            entries.add(new ConfigEntry(name, keyValues[i + 1]));
        }
        return new Config(entries);
    }

    private static void check(boolean toCreate, Map<String, String> backedUp, TopicConfigOverrides overrides,
                              Config config, OptionalInt replicationFactor) {
        new TargetTopicChecks("orders", "orders_r", toCreate, settings(backedUp, overrides), overrides, NOW)
                .check(config, replicationFactor, OLDEST, OptionalLong.of(NOW));
    }

    private static String refusal(boolean toCreate, Map<String, String> backedUp, TopicConfigOverrides overrides,
                                  Config config) {
        return assertThrows(ConnectException.class,
                () -> check(toCreate, backedUp, overrides, config, OptionalInt.empty())).getMessage();
    }

    @Test
    void compactionIsAcceptedWhenTheSourceTopicWasCompacted() {
        Map<String, String> compacted = Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "1000");
        assertDoesNotThrow(() -> check(true, compacted, TopicConfigOverrides.NONE, config("cleanup.policy", "compact"),
                OptionalInt.empty()));
        assertDoesNotThrow(() -> check(false, compacted, TopicConfigOverrides.NONE, config("cleanup.policy", "compact"),
                OptionalInt.empty()));
    }

    @Test
    void compactionIsAcceptedWhenTheUserAsksForIt() {
        TopicConfigOverrides asked = TopicConfigOverrides.parse(List.of("cleanup.policy=compact"));
        assertDoesNotThrow(() -> check(false, Map.of(), asked, config("cleanup.policy", "compact"), OptionalInt.empty()));
    }

    @Test
    void compactionIsRefusedOtherwiseNamingTheOverride() {
        String created = refusal(true, Map.of(), TopicConfigOverrides.NONE, config("cleanup.policy", "compact"));
        assertTrue(created.contains("Target topic orders_r would be created with cleanup.policy=compact")
                && created.contains("restore.topic.configs=cleanup.policy=delete"), created);
        String existing = refusal(false, Map.of("retention.ms", "5"), TopicConfigOverrides.NONE,
                config("cleanup.policy", "compact,delete"));
        assertTrue(existing.contains("Target topic orders_r has cleanup.policy=compact,delete")
                && existing.contains("Set cleanup.policy=delete on orders_r"), existing);
    }

    @Test
    void aRetentionThatDeletesOldRecordsNamesTheOverrideForATopicToCreate() {
        String created = refusal(true, Map.of("retention.ms", "604800000"), TopicConfigOverrides.NONE,
                config("retention.ms", "604800000"));
        assertTrue(created.contains("would lose records") && created.contains("restore.topic.configs=retention.ms=-1"),
                created);
        String existing = refusal(false, Map.of(), TopicConfigOverrides.NONE, config("retention.ms", "604800000"));
        assertTrue(existing.contains("Raise retention.ms of orders_r (or set it to -1"), existing);
        assertDoesNotThrow(() -> check(true, Map.of(), TopicConfigOverrides.NONE,
                config("retention.ms", String.valueOf(31 * DAY)), OptionalInt.empty()));
    }

    @Test
    void aRetentionBySizeIsRefusedNamingTheOverride() {
        String created = refusal(true, Map.of("retention.bytes", "1048576"), TopicConfigOverrides.NONE,
                config("retention.bytes", "1048576"));
        assertTrue(created.contains("would be created with retention.bytes=1048576")
                && created.contains("restore.topic.configs=retention.bytes=-1"), created);
        String existing = refusal(false, Map.of(), TopicConfigOverrides.NONE, config("retention.bytes", "1048576"));
        assertTrue(existing.contains("Set retention.bytes=-1 on orders_r"), existing);
        assertDoesNotThrow(() -> check(true, Map.of("cleanup.policy", "compact"), TopicConfigOverrides.NONE,
                config("cleanup.policy", "compact", "retention.bytes", "1048576"), OptionalInt.empty()),
                "a retention by size only deletes with cleanup.policy=delete");
    }

    @Test
    void brokerAssignedTimestampsAreRefusedNamingTheOverride() {
        String created = refusal(true, Map.of(), TopicConfigOverrides.NONE,
                config("message.timestamp.type", "LogAppendTime"));
        assertTrue(created.contains("restore.topic.configs=message.timestamp.type=CreateTime"), created);
    }

    @Test
    void moreInSyncReplicasThanReplicasAreRefusedForATopicToCreate() {
        ConnectException e = assertThrows(ConnectException.class, () -> check(true, Map.of(), TopicConfigOverrides.NONE,
                config("min.insync.replicas", "2"), OptionalInt.of(1)));
        assertTrue(e.getMessage().contains("restore.replication.factor to 2 or more")
                && e.getMessage().contains("restore.topic.configs=min.insync.replicas=1"), e.getMessage());
        assertDoesNotThrow(() -> check(true, Map.of(), TopicConfigOverrides.NONE, config("min.insync.replicas", "2"),
                OptionalInt.of(2)));
    }
}
