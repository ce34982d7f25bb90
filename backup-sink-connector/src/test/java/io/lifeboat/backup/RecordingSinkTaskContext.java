package io.lifeboat.backup;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A SinkTaskContext that records the rewinds a task asks for, as Connect would apply them before its
 * next poll, and the last backoff it asked for ({@link #lastTimeout}).
 */
final class RecordingSinkTaskContext implements SinkTaskContext {

    private final Map<TopicPartition, Long> offsets = new HashMap<>();
    private final Set<TopicPartition> assignment = new HashSet<>();
    volatile long lastTimeout = -1;

    /** The rewinds requested since the last call, then forgets them (Connect seeks and clears them). */
    Map<TopicPartition, Long> takeOffsets() {
        Map<TopicPartition, Long> taken = Map.copyOf(offsets);
        offsets.clear();
        return taken;
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        this.offsets.putAll(offsets);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        offsets.put(tp, offset);
    }

    @Override
    public void timeout(long timeoutMs) {
        lastTimeout = timeoutMs;
    }

    @Override
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    private final java.util.Set<TopicPartition> paused = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public void pause(TopicPartition... partitions) {
        paused.addAll(java.util.Arrays.asList(partitions));
    }

    @Override
    public void resume(TopicPartition... partitions) {
        java.util.Arrays.asList(partitions).forEach(paused::remove);
    }

    /** The partitions the task has paused and not resumed. */
    java.util.Set<TopicPartition> paused() {
        return java.util.Set.copyOf(paused);
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public PluginMetrics pluginMetrics() {
        throw new UnsupportedOperationException("not used by the backup task");
    }
}
