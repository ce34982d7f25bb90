package io.lifeboat.restore;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.errors.ConnectException;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The consumer-group work a restore does in the target cluster, through
 * {@code target.cluster.bootstrap.servers}: who is active, what is committed, committing, and the
 * end of a restored partition as a read_committed consumer sees it.
 */
class TargetGroups implements AutoCloseable {

    private static final long TIMEOUT_MS = 30_000;

    private final Admin admin;
    private final Map<String, Object> clientConfig;
    private final String groupPrefix;

    /**
     * @param groupPrefix what each group's id in the target cluster starts with ({@code
     *                    restore.consumer.group.prefix}); the methods take and return the backed-up ids
     */
    TargetGroups(Map<String, Object> clientConfig, String groupPrefix) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.groupPrefix = groupPrefix;
        this.admin = Admin.create(clientConfig);
    }

    /** The id of {@code group} in the target cluster. */
    String targetId(String group) {
        return groupPrefix + group;
    }

    /** Of {@code groups}, those with members in the target cluster now: group -> member client ids. */
    Map<String, List<String>> activeMembers(Collection<String> groups) {
        if (groups.isEmpty()) {
            return Map.of();
        }
        List<String> ids = groups.stream().map(this::targetId).toList();
        Map<String, KafkaFuture<ConsumerGroupDescription>> described = admin.describeConsumerGroups(ids).describedGroups();
        Map<String, List<String>> active = new HashMap<>();
        for (String id : ids) {
            ConsumerGroupDescription description;
            try {
                description = get(described.get(id), "describe consumer group " + id);
            } catch (GroupCommitException e) {
                if (e.getCause() instanceof GroupIdNotFoundException) {
                    continue; // no such group in the target yet (Kafka 4's answer for it): no members
                }
                throw e;
            }
            if (!description.members().isEmpty()) {
                active.put(id.substring(groupPrefix.length()), description.members().stream()
                        .map(m -> m.clientId() + "@" + m.host()).collect(Collectors.toList()));
            }
        }
        return active;
    }

    /**
     * The committed offsets of {@code groups} on {@code partitions} in the target cluster, by
     * partition then group (absent: none committed); one request for them all.
     */
    Map<TopicPartition, Map<String, Long>> committedOn(Collection<String> groups, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Map<String, Long>> committed = new HashMap<>();
        if (groups.isEmpty() || partitions.isEmpty()) {
            return committed;
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        groups.forEach(g -> specs.put(targetId(g),
                new ListConsumerGroupOffsetsSpec().topicPartitions(List.copyOf(partitions))));
        var result = admin.listConsumerGroupOffsets(specs);
        for (String group : groups) {
            get(result.partitionsToOffsetAndMetadata(targetId(group)), "read the committed offsets of group "
                    + targetId(group))
                    .forEach((tp, offset) -> {
                        if (offset != null) {
                            committed.computeIfAbsent(tp, p -> new HashMap<>()).put(group, offset.offset());
                        }
                    });
        }
        return committed;
    }

    /** Commits {@code offset} for {@code group} on {@code tp}; throws with the broker's reason. */
    void commit(String group, TopicPartition tp, long offset, String metadata) {
        get(admin.alterConsumerGroupOffsets(targetId(group), Map.of(tp, new OffsetAndMetadata(offset, metadata))).all(),
                "commit offset " + offset + " on " + tp + " for group " + targetId(group));
    }

    /**
     * The ends of {@code partitions} as a read_committed consumer sees them now (the last stable
     * offsets), in one request: a record below one is in the target for good, its transaction (if
     * any) committed and its commit marker written (markers are written after the producer's commit
     * returns).
     */
    Map<TopicPartition, Long> readCommittedEnds(Collection<TopicPartition> partitions) {
        return readCommittedEnds(partitions, TIMEOUT_MS);
    }

    /**
     * {@link #readCommittedEnds(Collection)}, waiting at most {@code timeoutMs} for the answer (a
     * task's poll cannot wait long: Connect's stop waits for it).
     */
    Map<TopicPartition, Long> readCommittedEnds(Collection<TopicPartition> partitions, long timeoutMs) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        if (partitions.isEmpty()) {
            return ends;
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        get(admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all(),
                "read the end offsets of " + partitions, timeoutMs).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** The last record of {@code tp} a read_committed consumer reads, if any. */
    Optional<ConsumerRecord<byte[], byte[]>> lastRecord(TopicPartition tp) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "lifeboat-restore-group-check");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            long start = consumer.beginningOffsets(List.of(tp)).get(tp);
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            for (long window = 16; ; window *= 16) {
                long from = Math.max(start, end - window);
                consumer.seek(tp, from);
                ConsumerRecord<byte[], byte[]> last = null;
                while (consumer.position(tp) < end) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500)).records(tp)) {
                        last = record;
                    }
                }
                if (last != null || from == start) {
                    return Optional.ofNullable(last);
                }
            }
        }
    }

    private static <T> T get(KafkaFuture<T> future, String action) {
        return get(future, action, TIMEOUT_MS);
    }

    private static <T> T get(KafkaFuture<T> future, String action, long timeoutMs) {
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new GroupCommitException("Cannot " + action + " in the target cluster ("
                    + RestoreSourceConfig.TARGET_BOOTSTRAP_SERVERS + "): " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new GroupCommitException("Cannot " + action + " in the target cluster ("
                    + RestoreSourceConfig.TARGET_BOOTSTRAP_SERVERS + "): no answer in " + timeoutMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while talking to the target cluster", e);
        }
    }

    /** A group operation the target cluster refused or did not answer. */
    static final class GroupCommitException extends ConnectException {
        GroupCommitException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
