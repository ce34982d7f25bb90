package io.lifeboat.restore;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits topic-partitions over tasks, deterministically: sorted by topic then partition, dealt
 * round-robin. With 2 tasks and topics a (3 partitions) and b (2 partitions):
 *
 * <pre>
 * task 0: a-0, a-2, b-1
 * task 1: a-1, b-0
 * </pre>
 *
 * No task is created without work. Encoded in task configs as "topic:partition,topic:partition".
 */
final class TaskAssignment {

    static List<List<TopicPartition>> split(List<TopicPartition> sortedPartitions, int maxTasks) {
        int tasks = Math.min(maxTasks, sortedPartitions.size());
        List<List<TopicPartition>> groups = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            groups.add(new ArrayList<>());
        }
        for (int i = 0; i < sortedPartitions.size(); i++) {
            groups.get(i % tasks).add(sortedPartitions.get(i));
        }
        return groups;
    }

    static String encode(List<TopicPartition> partitions) {
        return String.join(",", partitions.stream().map(tp -> tp.topic() + ":" + tp.partition()).toList());
    }

    static List<TopicPartition> decode(String encoded) {
        List<TopicPartition> partitions = new ArrayList<>();
        if (encoded == null || encoded.isBlank()) {
            return partitions;
        }
        for (String entry : encoded.split(",")) {
            int colon = entry.lastIndexOf(':');
            partitions.add(new TopicPartition(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1))));
        }
        return partitions;
    }

    private TaskAssignment() {
    }
}
