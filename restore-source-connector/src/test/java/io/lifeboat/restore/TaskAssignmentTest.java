package io.lifeboat.restore;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TaskAssignmentTest {

    private static final List<TopicPartition> UNITS = List.of(new TopicPartition("a", 0), new TopicPartition("a", 1),
            new TopicPartition("a", 2), new TopicPartition("b", 0), new TopicPartition("b", 1));

    @Test
    void dealsRoundRobin() {
        List<List<TopicPartition>> split = TaskAssignment.split(UNITS, 2);
        assertEquals(List.of(UNITS.get(0), UNITS.get(2), UNITS.get(4)), split.get(0));
        assertEquals(List.of(UNITS.get(1), UNITS.get(3)), split.get(1));
    }

    @Test
    void noTaskWithoutWork() {
        assertEquals(5, TaskAssignment.split(UNITS, 10).size());
        assertEquals(0, TaskAssignment.split(List.of(), 3).size());
    }

    @Test
    void encodingRoundTrips() {
        assertEquals(UNITS, TaskAssignment.decode(TaskAssignment.encode(UNITS)));
        assertEquals(List.of(), TaskAssignment.decode(""));
    }

    @Test
    void mappingRejectsAmbiguity() {
        assertEquals("x", TopicMapping.parse(List.of("a:x")).target("a"));
        assertEquals("b", TopicMapping.parse(List.of("a:x")).target("b"));
        assertThrows(IllegalArgumentException.class, () -> TopicMapping.parse(List.of("a:x", "b:x")));
        assertThrows(IllegalArgumentException.class, () -> TopicMapping.parse(List.of("a:x", "a:y")));
        assertThrows(IllegalArgumentException.class, () -> TopicMapping.parse(List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> TopicMapping.parse(List.of("a:b:c")));
    }
}
