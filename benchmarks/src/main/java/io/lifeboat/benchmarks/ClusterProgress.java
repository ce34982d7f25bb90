package io.lifeboat.benchmarks;

import io.lifeboat.cli.ConnectorProgress;
import io.lifeboat.harness.EmbeddedKafkaConnect;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The progress of a connector as users can watch it on the cluster: a sink's committed offsets
 * (for the backup, what is durable in the store) and a source's records in its target topic.
 */
final class ClusterProgress {

    private final Admin admin;
    private final ConnectorProgress connectors;

    ClusterProgress(EmbeddedKafkaConnect connect) {
        this.admin = connect.admin();
        this.connectors = new ConnectorProgress(connect);
    }

    /** End offsets of every partition of {@code topic}. */
    Map<TopicPartition, Long> endOffsets(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /**
     * Records committed by the sink connector {@code name} reading partitions that end at {@code ends}
     * and hold {@code records} records in all (offsets scaled to records, should a partition hold
     * transaction markers).
     */
    ProgressSampler.Progress committed(String name, Map<TopicPartition, Long> ends, long records) {
        long offsets = ends.values().stream().mapToLong(Long::longValue).sum();
        return () -> {
            Map<TopicPartition, Long> committed = connectors.committedOffsets(name);
            long sum = 0;
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                sum += Math.min(end.getValue(), committed.getOrDefault(end.getKey(), 0L));
            }
            return offsets == 0 ? 0 : Math.round(records * (double) sum / offsets);
        };
    }

    /** Records in {@code topic} (the sum of its end offsets); 0 while it does not exist. */
    ProgressSampler.Progress written(String topic, int partitions) {
        boolean[] exists = {false};
        return () -> {
            if (!exists[0]) {
                exists[0] = admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
                if (!exists[0]) {
                    return 0;
                }
            }
            try {
                return endOffsets(topic, partitions).values().stream().mapToLong(Long::longValue).sum();
            } catch (ExecutionException e) {
                return 0; // created, not yet led
            }
        };
    }

    /** Waits until {@code topic} holds {@code records} records in all; a FAILED source {@code connector} ends it. */
    void awaitWritten(String connector, String topic, int partitions, long records, long timeoutNanos)
            throws Exception {
        ProgressSampler.Progress written = written(topic, partitions);
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            connectors.failIfFailed(connector);
            long now = written.done();
            if (now >= records) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(topic + " holds " + now + " of " + records + " records after "
                        + timeoutNanos / 1_000_000_000 + " s");
            }
            Thread.sleep(50);
        }
    }
}
