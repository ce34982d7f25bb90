package io.lifeboat.backup;

import io.lifeboat.backup.BackedUpTopics.Listed;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackedUpTopicsTest {

    private static final List<Listed> CLUSTER = List.of(
            new Listed("orders", false), new Listed("orders.eu", false), new Listed("orders.us", false),
            new Listed("payments", false), new Listed("__consumer_offsets", true), new Listed("xorders.eu", false));

    @Test
    void aListSelectsTheNamedTopicsThatExist() {
        assertEquals(Set.of("orders", "payments"),
                BackedUpTopics.of("orders,payments,not-created-yet", null).resolve(CLUSTER));
    }

    @Test
    void aListMayNameAnInternalTopic() {
        assertEquals(Set.of("__consumer_offsets"), BackedUpTopics.of("__consumer_offsets", "").resolve(CLUSTER));
    }

    @Test
    void aRegexMatchesWholeNamesOfNonInternalTopics() {
        assertEquals(Set.of("orders.eu", "orders.us"), BackedUpTopics.of(null, "orders\\..*").resolve(CLUSTER));
        assertEquals(Set.of("orders", "orders.eu", "orders.us", "payments", "xorders.eu"),
                BackedUpTopics.of("", ".*").resolve(CLUSTER));
    }

    @Test
    void nothingMatchesNothing() {
        assertEquals(Set.of(), BackedUpTopics.of("absent", null).resolve(CLUSTER));
        assertEquals(Set.of(), BackedUpTopics.of(null, "absent.*").resolve(CLUSTER));
    }
}
