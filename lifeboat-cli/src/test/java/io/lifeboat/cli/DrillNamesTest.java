package io.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drill's names: its own, apart from another drill's of the same second, never backed up by the drilled backup. */
class DrillNamesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-12-03T05:00:00Z");

    @Test
    void twoDrillsStartedInTheSameSecondHaveNamesOfTheirOwn() {
        DrillNames one = DrillNames.at(START);
        assertTrue(one.id().matches("lifeboat-drill-20261203-050000-[0-9a-f]{4}"), one.id());
        assertTrue(one.targetTopic("orders").startsWith(one.id() + "."));
        assertTrue(one.connector().startsWith(DrillNames.PREFIX));
        // 16 bits of chance: of 20 drills in one second, some two may share an id, not all 20
        long distinct = java.util.stream.IntStream.range(0, 20).mapToObj(i -> DrillNames.at(START).id()).distinct().count();
        assertNotEquals(1, distinct);
    }

    @Test
    void aBackupWhoseTopicsRegexMatchesTheDrillsTopicsIsRefusedNamingTheKey() {
        DrillNames names = DrillNames.at(START);
        JsonNode everything = JSON.valueToTree(Map.of("topics.regex", ".*"));
        ClusterDrill.SetupException refused = assertThrows(ClusterDrill.SetupException.class,
                () -> ClusterDrill.refuseBackingUpTheDrill("all-backup", everything, names, List.of("orders")));
        assertTrue(refused.getMessage().contains("backup all-backup has topics.regex=.*"), refused.getMessage());
        assertTrue(refused.getMessage().contains(names.targetTopic("orders")), refused.getMessage());

        assertDoesNotThrow(() -> ClusterDrill.refuseBackingUpTheDrill("orders-backup",
                JSON.valueToTree(Map.of("topics.regex", "orders|payments")), names, List.of("orders")));
        assertDoesNotThrow(() -> ClusterDrill.refuseBackingUpTheDrill("all-but-drills",
                JSON.valueToTree(Map.of("topics.regex", "(?!" + DrillNames.PREFIX + ").*")), names, List.of("orders")),
                "the exclusion the refusal proposes");
        assertDoesNotThrow(() -> ClusterDrill.refuseBackingUpTheDrill("listed",
                JSON.valueToTree(Map.of("topics", "orders")), names, List.of("orders")));
    }
}
