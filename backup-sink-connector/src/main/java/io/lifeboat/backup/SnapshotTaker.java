package io.lifeboat.backup;

import io.lifeboat.core.metadata.MetadataSnapshot;
import io.lifeboat.core.metadata.MetadataSnapshot.TopicMetadata;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.utils.Time;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Takes one {@link MetadataSnapshot} of the source cluster through its admin API, within a deadline.
 *
 * <p>Order matters: the topics, their end offsets and last the consumer groups' committed offsets are
 * read first, and {@code takenAt} is read from the clock after them. So every value in the snapshot was
 * read at or before {@code takenAt}. A restore picks the newest snapshot taken at or before its end time:
 * the offsets it finds were committed by then, so a group repositioned from them may read again what
 * it consumed in between, but never skips a record it had not read at the end time.
 */
final class SnapshotTaker {

    private final String connector;
    private final BackedUpTopics backedUp;
    private final String ownGroup;
    private final Time time;

    SnapshotTaker(String connector, BackedUpTopics backedUp, String ownGroup, Time time) {
        this.connector = connector;
        this.backedUp = backedUp;
        this.ownGroup = ownGroup;
        this.time = time;
    }

    /** A snapshot failed: {@code getMessage()} says which request, and the cluster's answer. */
    static final class SnapshotFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        SnapshotFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    MetadataSnapshot take(Admin admin, boolean last, Duration timeout) throws SnapshotFailedException, InterruptedException {
        Deadline deadline = new Deadline(time.nanoseconds() + timeout.toNanos(), timeout);
        String clusterId = await(admin.describeCluster().clusterId(), deadline, "describing the cluster");

        List<BackedUpTopics.Listed> listed = await(admin.listTopics(new ListTopicsOptions().listInternal(true)).listings(),
                deadline, "listing topics").stream().map(l -> new BackedUpTopics.Listed(l.name(), l.isInternal())).toList();
        SortedSet<String> topics = backedUp.resolve(listed);
        Map<String, TopicDescription> descriptions = topics.isEmpty() ? Map.of()
                : await(admin.describeTopics(topics).allTopicNames(), deadline, "describing topics " + topics);
        Map<ConfigResource, Config> configs = topics.isEmpty() ? Map.of()
                : await(admin.describeConfigs(topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                        .toList()).all(), deadline, "reading the configs of topics " + topics);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        descriptions.values().forEach(d -> d.partitions().forEach(p ->
                latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResultInfo> ends = latest.isEmpty() ? Map.of()
                : await(admin.listOffsets(latest).all(), deadline, "reading the end offsets of topics " + topics);

        Map<String, TopicMetadata> topicMetadata = new HashMap<>();
        for (TopicDescription d : descriptions.values()) {
            Map<Integer, Long> endOffsets = new HashMap<>();
            d.partitions().forEach(p -> endOffsets.put(p.partition(),
                    ends.get(new TopicPartition(d.name(), p.partition())).offset()));
            int replicas = d.partitions().isEmpty() ? -1 : d.partitions().get(0).replicas().size();
            topicMetadata.put(d.name(), new TopicMetadata(d.topicId().toString(), d.partitions().size(), replicas,
                    topicConfigs(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, d.name()))), endOffsets));
        }
        Map<String, String> states = groupStates(admin, deadline);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = committedOffsets(admin, states.keySet(), deadline);
        long takenAt = time.milliseconds(); // after every read: see the class comment
        return new MetadataSnapshot(takenAt, connector, clusterId, last, topicMetadata,
                RecordedGroups.select(states, committed, topics, ownGroup));
    }

    /** The configs set on the topic itself: not broker or cluster defaults, not static broker configs. */
    static Map<String, String> topicConfigs(Config config) {
        Map<String, String> set = new HashMap<>();
        if (config != null) {
            for (ConfigEntry entry : config.entries()) {
                if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && entry.value() != null) {
                    set.put(entry.name(), entry.value());
                }
            }
        }
        return set;
    }

    private Map<String, String> groupStates(Admin admin, Deadline deadline) throws SnapshotFailedException, InterruptedException {
        // classic and "consumer" (KIP-848) groups of the consumer protocol, and groups with offsets only
        return await(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all(), deadline, "listing consumer groups")
                .stream().filter(g -> RecordedGroups.considered(g.groupId(), ownGroup))
                .collect(Collectors.toMap(GroupListing::groupId,
                        g -> g.groupState().map(Object::toString).orElse(""), (a, b) -> a));
    }

    /** Every group's committed offsets, in one request per coordinator; a group deleted meanwhile is left out. */
    private Map<String, Map<TopicPartition, OffsetAndMetadata>> committedOffsets(Admin admin, Set<String> groups,
                                                                                 Deadline deadline)
            throws SnapshotFailedException, InterruptedException {
        if (groups.isEmpty()) {
            return Map.of();
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        ListConsumerGroupOffsetsResult result = admin.listConsumerGroupOffsets(specs);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
        for (String group : groups) {
            try {
                committed.put(group, await(result.partitionsToOffsetAndMetadata(group), deadline,
                        "reading the committed offsets of consumer group " + group));
            } catch (SnapshotFailedException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
            }
        }
        return committed;
    }

    /** When the attempt's time is up, and how long it had. */
    private record Deadline(long atNanos, Duration length) {
    }

    private <T> T await(KafkaFuture<T> future, Deadline deadline, String what)
            throws SnapshotFailedException, InterruptedException {
        long remaining = deadline.atNanos() - time.nanoseconds();
        try {
            return future.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new SnapshotFailedException("the source cluster did not answer within " + deadline.length().toMillis()
                    + " ms (" + what + ")", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new SnapshotFailedException(what + " failed: " + cause.getClass().getSimpleName() + ": "
                    + cause.getMessage(), cause);
        }
    }
}
