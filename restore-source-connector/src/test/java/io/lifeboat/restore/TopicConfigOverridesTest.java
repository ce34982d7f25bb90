package io.lifeboat.restore;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** restore.topic.configs and restore.replication.factor as the config class reads them. */
class TopicConfigOverridesTest {

    private static RestoreSourceConfig config(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("storage.backend", "filesystem");
        props.put("filesystem.root", "/tmp/unused");
        props.put("target.cluster.bootstrap.servers", "localhost:9092");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return new RestoreSourceConfig(props);
    }

    @Test
    void entriesAreNameValuePairsAndCommasContinueTheValueBefore() {
        TopicConfigOverrides overrides = config("restore.topic.configs",
                "retention.ms=-1, cleanup.policy=compact,delete,max.message.bytes=2097152").topicConfigs();
        assertEquals(Map.of("retention.ms", "-1", "cleanup.policy", "compact,delete", "max.message.bytes", "2097152"),
                overrides.set());
        assertEquals(List.of("retention.ms", "cleanup.policy", "max.message.bytes"), List.copyOf(overrides.set().keySet()));
    }

    @Test
    void anEmptyValueDropsTheConfig() {
        TopicConfigOverrides overrides = config("restore.topic.configs", "min.insync.replicas=,retention.ms=-1").topicConfigs();
        assertEquals(Map.of("retention.ms", "-1"), overrides.set());
        assertTrue(overrides.names("min.insync.replicas"));
        assertTrue(overrides.drops("min.insync.replicas"));
        assertFalse(overrides.names("cleanup.policy"));
    }

    @Test
    void defaultIsNoOverride() {
        assertTrue(config().topicConfigs().isEmpty());
        assertEquals(Optional.empty(), config().replicationFactor());
    }

    @Test
    void malformedEntriesAreRejectedNamingTheKeyAndTheEntry() {
        ConfigException first = assertThrows(ConfigException.class,
                () -> config("restore.topic.configs", "retention.ms,cleanup.policy=delete"));
        assertTrue(first.getMessage().contains("restore.topic.configs") && first.getMessage().contains("'retention.ms'"),
                first.getMessage());
        ConfigException noName = assertThrows(ConfigException.class, () -> config("restore.topic.configs", "=5"));
        assertTrue(noName.getMessage().contains("'=5'"), noName.getMessage());
        ConfigException twice = assertThrows(ConfigException.class,
                () -> config("restore.topic.configs", "retention.ms=1,retention.ms=-1"));
        assertTrue(twice.getMessage().contains("retention.ms is set twice"), twice.getMessage());
    }

    @Test
    void replicationFactorIsMinusOneOrAReplicaCount() {
        assertEquals(Optional.of((short) 3), config("restore.replication.factor", "3").replicationFactor());
        assertEquals(Optional.empty(), config("restore.replication.factor", "-1").replicationFactor());
        for (String bad : List.of("0", "-2", "40000")) {
            ConfigException e = assertThrows(ConfigException.class, () -> config("restore.replication.factor", bad));
            assertTrue(e.getMessage().contains("restore.replication.factor"), e.getMessage());
        }
    }
}
