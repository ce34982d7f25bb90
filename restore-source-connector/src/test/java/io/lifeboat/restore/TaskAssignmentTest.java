package io.lifeboat.restore;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void encodesRunsWithSteps() {
        List<TopicPartition> list = List.of(new TopicPartition("a-1", 0), new TopicPartition("a-1", 1),
                new TopicPartition("a-1", 2), new TopicPartition("b.c_d", 3), new TopicPartition("b.c_d", 7),
                new TopicPartition("b.c_d", 11), new TopicPartition("b.c_d", 12), new TopicPartition("a-1", 5));
        assertEquals("a-1:0-2,b.c_d:3-11/4,b.c_d:12,a-1:5", TaskAssignment.encode(list));
        assertEquals(list, TaskAssignment.decode(TaskAssignment.encode(list)));
    }

    @Test
    void decodesTheOlderOnePartitionForm() {
        assertEquals(List.of(new TopicPartition("a-2", 3), new TopicPartition("x.y", 0), new TopicPartition("a-2", 1)),
                TaskAssignment.decode("a-2:3,x.y:0,a-2:1"));
    }

    @Test
    void rejectsAMalformedRunNamingIt() {
        for (String bad : List.of("a:5-3", "a:1-4/2", "a:1-3/0", "a:x", "3", "a:-1")) {
            ConnectException e = assertThrows(ConnectException.class, () -> TaskAssignment.decode(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains(RestoreSourceConfig.TASK_PARTITIONS),
                    e.getMessage());
        }
    }

    /** 10,000 partitions over 20 topics with 200-character names: every task's config stays small. */
    @Test
    void manyPartitionsKeepTaskConfigsSmall() {
        List<TopicPartition> all = new ArrayList<>();
        StringBuilder snapshots = new StringBuilder();
        for (int t = 0; t < 20; t++) {
            String topic = String.format("%02d", t) + "-" + "t.o_p-i.c".repeat(22).substring(0, 197);
            assertEquals(200, topic.length());
            for (int p = 0; p < 500; p++) {
                all.add(new TopicPartition(topic, p));
            }
            snapshots.append(snapshots.length() > 0 ? "," : "").append(topic).append("=backup/_metadata/snapshots/")
                    .append(topic).append("/2026-12-02/1764676800000-connector.json");
        }
        for (int maxTasks : List.of(1, 3, 7, 64, 10_000)) {
            List<List<TopicPartition>> split = TaskAssignment.split(all, maxTasks);
            List<TopicPartition> decodedAll = new ArrayList<>();
            long largest = 0;
            for (List<TopicPartition> group : split) {
                String encoded = TaskAssignment.encode(group);
                List<TopicPartition> decoded = TaskAssignment.decode(encoded);
                assertEquals(group, decoded);
                decodedAll.addAll(decoded);
                Set<String> topics = group.stream().map(TopicPartition::topic).collect(Collectors.toSet());
                long size = encoded.length() + GroupPlan.only(snapshots.toString(), topics).length();
                largest = Math.max(largest, size);
            }
            decodedAll.sort(java.util.Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition));
            assertEquals(all, decodedAll, "every partition exactly once with " + maxTasks + " tasks");
            assertTrue(largest < 100_000, maxTasks + " tasks: a task config value of " + largest + " characters");
        }
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
