package io.lifeboat.restore;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;

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
 * No task is created without work.
 *
 * <p>Encoded in task configs as comma-separated runs {@code topic:run}, where a run is one
 * partition {@code 7}, a range {@code 0-999}, or a range with a step {@code 3-999/4} (3, 7, 11, ...
 * up to 999). Round-robin dealing gives every task one stepped run per topic, so a task config
 * grows with the number of topics, not of partitions (Connect stores task configs in a topic whose
 * records are limited to about 1 MB). The form is unambiguous: a Kafka topic name holds only
 * {@code [a-zA-Z0-9._-]}, never ':' or ',', so the run is everything after the last ':' and holds
 * only digits, '-' and '/'. The older form {@code topic:partition,topic:partition} is a list of
 * one-partition runs and decodes unchanged. Decoding returns exactly the encoded list, in its order.
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

    /** Greedy runs in list order: consecutive partitions of one topic with one positive step. */
    static String encode(List<TopicPartition> partitions) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < partitions.size()) {
            TopicPartition first = partitions.get(i);
            int end = i + 1;
            int step = 0;
            if (end < partitions.size() && sameTopicAfter(first, partitions.get(end))) {
                step = partitions.get(end).partition() - first.partition();
                while (end + 1 < partitions.size() && sameTopicAfter(partitions.get(end), partitions.get(end + 1))
                        && partitions.get(end + 1).partition() - partitions.get(end).partition() == step) {
                    end++;
                }
                end++;
            }
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(first.topic()).append(':').append(first.partition());
            int last = partitions.get(end - 1).partition();
            if (end - i > 1) {
                out.append('-').append(last);
                if (step != 1) {
                    out.append('/').append(step);
                }
            }
            i = end;
        }
        return out.toString();
    }

    private static boolean sameTopicAfter(TopicPartition previous, TopicPartition next) {
        return next.topic().equals(previous.topic()) && next.partition() > previous.partition();
    }

    static List<TopicPartition> decode(String encoded) {
        List<TopicPartition> partitions = new ArrayList<>();
        if (encoded == null || encoded.isBlank()) {
            return partitions;
        }
        for (String entry : encoded.split(",")) {
            int colon = entry.lastIndexOf(':');
            if (colon <= 0) {
                throw invalid(entry, "no 'topic:' before the partitions");
            }
            String topic = entry.substring(0, colon);
            String run = entry.substring(colon + 1);
            try {
                int dash = run.indexOf('-');
                if (dash < 0) {
                    partitions.add(new TopicPartition(topic, Integer.parseInt(run)));
                    continue;
                }
                int slash = run.indexOf('/', dash);
                int from = Integer.parseInt(run.substring(0, dash));
                int to = Integer.parseInt(slash < 0 ? run.substring(dash + 1) : run.substring(dash + 1, slash));
                int step = slash < 0 ? 1 : Integer.parseInt(run.substring(slash + 1));
                if (step <= 0 || to < from || from < 0 || (to - from) % step != 0) {
                    throw invalid(entry, "the run must be from-to/step with 0 <= from <= to and to-from a multiple of "
                            + "step > 0");
                }
                for (long p = from; p <= to; p += step) {
                    partitions.add(new TopicPartition(topic, (int) p));
                }
            } catch (NumberFormatException e) {
                throw invalid(entry, "not a partition, from-to or from-to/step");
            }
        }
        return partitions;
    }

    private static ConnectException invalid(String entry, String why) {
        return new ConnectException("Invalid entry '" + entry + "' in " + RestoreSourceConfig.TASK_PARTITIONS
                + ": " + why);
    }

    private TaskAssignment() {
    }
}
