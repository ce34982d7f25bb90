package io.lifeboat.cli;

import io.lifeboat.harness.Await;
import io.lifeboat.harness.EmbeddedKafkaConnect;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Waits for Lifeboat connectors, watching what users can watch: a backup's committed consumer offsets
 * (the Kafka admin API) and the connector status (the Connect REST API); nothing in-process. A FAILED
 * connector or task ends a wait at once with its stack trace. {@link RestoreWatch} waits for restores.
 */
public final class ConnectorProgress {

    private final ConnectRest rest;
    private final Admin admin;

    public ConnectorProgress(ConnectRest rest, Admin admin) {
        this.rest = rest;
        this.admin = admin;
    }

    /** Watches the embedded cluster through its REST URL and admin client. */
    public ConnectorProgress(EmbeddedKafkaConnect connect) {
        this(new ConnectRest(connect.restUrl()), connect.admin());
    }

    /**
     * Waits until the backup connector {@code name} has committed, for every partition of the snapshots,
     * an offset past the partition's last record: everything before it is durable in the store.
     */
    public void awaitBackupCaughtUp(String name, Collection<TopicSnapshot> snapshots, Duration timeout) throws Exception {
        Map<TopicPartition, Long> needed = new HashMap<>();
        for (TopicSnapshot snapshot : snapshots) {
            snapshot.partitions().forEach((partition, records) -> {
                if (!records.isEmpty()) {
                    needed.put(new TopicPartition(snapshot.topic(), partition), records.get(records.size() - 1).offset() + 1);
                }
            });
        }
        awaitCommitted(name, needed, timeout);
    }

    /**
     * Waits until the sink connector {@code name} has committed, for every partition of {@code needed},
     * at least the offset given (such as the partition's end offset): for a backup, everything before it
     * is durable in the store. Holds no records, so it suits topics too large to snapshot.
     */
    public void awaitCommitted(String name, Map<TopicPartition, Long> needed, Duration timeout) throws Exception {
        Map<TopicPartition, Long> sorted = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        sorted.putAll(needed);
        AtomicReference<String> state = new AtomicReference<>("no offsets committed yet");
        Await.condition("connector " + name + " to commit offsets past the last record of every partition",
                timeout, () -> {
                    failIfFailed(name);
                    Map<TopicPartition, Long> committed = committedOffsets(name);
                    List<String> behind = new ArrayList<>();
                    sorted.forEach((tp, offset) -> {
                        Long c = committed.get(tp);
                        if (c == null || c < offset) {
                            behind.add(tp + " at " + (c == null ? "none" : c) + " of " + offset);
                        }
                    });
                    state.set(behind.size() + " partitions behind: " + behind);
                    return behind.isEmpty();
                }, state::get);
    }

    /** The offsets the sink connector {@code name} has committed (its consumer group {@code connect-<name>}). */
    public Map<TopicPartition, Long> committedOffsets(String name) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("connect-" + name)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        committed.forEach((tp, c) -> {
            if (c != null) {
                offsets.put(tp, c.offset());
            }
        });
        return offsets;
    }

    /** Waits until a task of connector {@code name} is FAILED and returns its stack trace. */
    public String awaitTaskFailure(String name, Duration timeout) throws Exception {
        AtomicReference<String> state = new AtomicReference<>("no status yet");
        return Await.result("a task of connector " + name + " to fail", timeout, () -> {
            Optional<ConnectRest.Status> info = status(name);
            info.ifPresent(i -> state.set(describe(i)));
            return info.flatMap(i -> i.tasks().stream().filter(t -> "FAILED".equals(t.state()))
                    .map(t -> String.valueOf(t.trace())).findFirst());
        }, state::get);
    }

    /** Waits until the connector and at least one task are RUNNING (or throws if one FAILED). */
    public void awaitRunning(String name, Duration timeout) throws Exception {
        AtomicReference<String> state = new AtomicReference<>("no status yet");
        Await.condition("connector " + name + " to run", timeout, () -> {
            failIfFailed(name);
            Optional<ConnectRest.Status> info = status(name);
            info.ifPresent(i -> state.set(describe(i)));
            return info.map(i -> "RUNNING".equals(i.state()) && !i.tasks().isEmpty()
                    && i.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()))).orElse(false);
        }, state::get);
    }

    /** Deletes a connector and waits until the worker no longer knows it. */
    public void deleteConnector(String name, Duration timeout) throws Exception {
        rest.deleteConnector(name);
        Await.condition("connector " + name + " to be deleted", timeout,
                () -> !rest.connectors().contains(name), () -> "still listed");
    }

    /** Throws {@link ConnectorFailedException} when the connector or one of its tasks is FAILED. */
    public void failIfFailed(String name) {
        Optional<ConnectRest.Status> info = status(name);
        if (info.isEmpty()) {
            return;
        }
        if ("FAILED".equals(info.get().state())) {
            throw new ConnectorFailedException("Connector " + name + " FAILED: " + info.get().trace());
        }
        for (ConnectRest.TaskStatus task : info.get().tasks()) {
            if ("FAILED".equals(task.state())) {
                throw new ConnectorFailedException("Task " + task.id() + " of connector " + name + " FAILED: "
                        + task.trace());
            }
        }
    }

    private Optional<ConnectRest.Status> status(String name) {
        try {
            return rest.status(name);
        } catch (IOException e) {
            return Optional.empty(); // the worker is rebalancing, or busy: the wait asks again
        }
    }

    private static String describe(ConnectRest.Status info) {
        Map<Integer, String> tasks = new HashMap<>();
        info.tasks().forEach(t -> tasks.put(t.id(), t.state()));
        return "connector " + info.state() + ", tasks " + tasks;
    }

    /** A connector or task reached the FAILED state; the message holds its stack trace. */
    public static final class ConnectorFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ConnectorFailedException(String message) {
            super(message);
        }
    }
}
