package io.lifeboat.restore;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The configs of a created topic: backed-up ones minus those that do not carry over, plus the overrides. */
class CarriedTopicConfigsTest {

    private static final Map<String, String> BACKED_UP = Map.of(
            "cleanup.policy", "compact",
            "min.compaction.lag.ms", "60000",
            "retention.ms", "604800000",
            "leader.replication.throttled.replicas", "0:1,0:2",
            "remote.storage.enable", "true",
            "local.retention.ms", "3600000",
            "message.format.version", "2.8-IV1",
            "confluent.placement.constraints", "{\"version\":1}");

    private static TopicConfigOverrides overrides(String... items) {
        return TopicConfigOverrides.parse(List.of(items));
    }

    @Test
    void configsThatDoNotCarryOverAreDroppedAndReported() {
        CarriedTopicConfigs.Merge merge = CarriedTopicConfigs.merge(BACKED_UP, TopicConfigOverrides.NONE);
        assertEquals(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000", "retention.ms", "604800000"),
                merge.configs());
        assertEquals(Map.of("leader.replication.throttled.replicas", "0:1,0:2", "remote.storage.enable", "true",
                "local.retention.ms", "3600000", "message.format.version", "2.8-IV1",
                "confluent.placement.constraints", "{\"version\":1}"), merge.dropped());
        assertEquals(Map.of(), merge.overridden());
    }

    @Test
    void overridesWinAndAreAddedAndAnEmptyValueDrops() {
        CarriedTopicConfigs.Merge merge = CarriedTopicConfigs.merge(BACKED_UP,
                overrides("retention.ms=-1", "max.message.bytes=2097152", "min.compaction.lag.ms="));
        assertEquals(Map.of("cleanup.policy", "compact", "retention.ms", "-1", "max.message.bytes", "2097152"),
                merge.configs());
        assertEquals(Map.of("retention.ms", "604800000", "min.compaction.lag.ms", "60000"), merge.overridden());
    }

    @Test
    void anOverrideOfAnExcludedConfigIsHonoured() {
        CarriedTopicConfigs.Merge merge = CarriedTopicConfigs.merge(BACKED_UP, overrides("remote.storage.enable=true"));
        assertEquals("true", merge.configs().get("remote.storage.enable"));
        assertEquals(Map.of("remote.storage.enable", "true"), merge.overridden());
        assertEquals(false, merge.dropped().containsKey("remote.storage.enable"));
    }

    @Test
    void withoutASnapshotOnlyTheOverridesApply() {
        assertEquals(Map.of(), CarriedTopicConfigs.merge(Map.of(), TopicConfigOverrides.NONE).configs());
        CarriedTopicConfigs.Merge merge = CarriedTopicConfigs.merge(Map.of(), overrides("retention.ms=-1", "segment.ms="));
        assertEquals(Map.of("retention.ms", "-1"), merge.configs());
        assertEquals(Map.of(), merge.dropped());
        assertEquals(Map.of(), merge.overridden());
    }
}
