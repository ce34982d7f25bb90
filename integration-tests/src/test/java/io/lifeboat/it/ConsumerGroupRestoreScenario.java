package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.core.metadata.MetadataSnapshot;
import io.lifeboat.harness.Await;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Consumer groups committed on backed-up topics (at 0, in the middle, at the end, past the end of
 * the backed-up data, on a transactional and a compacted topic) are restored with the topics under
 * new names: afterwards a consumer of each group reads, as its first record in every restored
 * partition, exactly the original record it would have read next (key, value, headers, timestamp),
 * and nothing once it had read everything.
 */
abstract class ConsumerGroupRestoreScenario {

    static final Duration TIMEOUT = Duration.ofMinutes(3);
    static final String PREFIX = "restored.";

    /** A group and its committed offsets on the original partitions. */
    record Group(String id, Map<TopicPartition, Long> offsets) {
    }

    abstract EmbeddedConnectExtension kafka();

    /**
     * Writes the sample topics, commits the groups, backs up with metadata snapshots and deletes the
     * backup (its last snapshot is taken on stop), then deletes the topics.
     */
    static List<TopicSnapshot> backUpWithGroups(EmbeddedConnectExtension kafka, Map<String, String> storage,
                                                String prefix, List<Group> groups) throws Exception {
        SampleData.Topics topics = new SampleData(kafka.bootstrapServers()).write(kafka.connect().admin(), prefix);
        List<String> names = List.of(topics.awkward(), topics.transactional(), topics.compacted());
        List<TopicSnapshot> originals = new ArrayList<>();
        for (String name : names) {
            originals.add(TopicSnapshot.read(kafka.bootstrapServers(), name, TIMEOUT));
        }
        Admin admin = kafka.connect().admin();
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (TopicSnapshot original : originals) {
            for (int p : original.partitions().keySet()) {
                TopicPartition tp = new TopicPartition(original.topic(), p);
                ends.put(tp, admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                        .get(30, TimeUnit.SECONDS).offset());
            }
        }
        for (Group group : groupsFor(ends)) {
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            group.offsets().forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset, "meta-" + group.id())));
            admin.alterConsumerGroupOffsets(group.id(), commit).all().get(30, TimeUnit.SECONDS);
            groups.add(group);
        }
        Map<String, String> backup = ConnectorConfigs.backup(prefix + "backup", names, storage);
        backup.put("source.cluster.bootstrap.servers", kafka.bootstrapServers());
        backup.put("metadata.interval.ms", "2000");
        kafka.configure(backup);
        kafka.progress().awaitBackupCaughtUp(prefix + "backup", originals, TIMEOUT);
        // the backup takes a snapshot at start and every interval; its last one, on stop, is best effort
        // (bounded by Connect's stop timeout), so wait for one a restore accepts while the backup runs
        Map<String, String> probe = restoreConfig(kafka, prefix + "probe", storage, originals);
        Await.condition("a metadata snapshot with the groups in the store", TIMEOUT, () ->
                ConnectorValidation.errors(kafka.connect(), probe).getOrDefault("restore.consumer.groups", List.of())
                        .isEmpty(), () -> "restore.consumer.groups is still refused: "
                + ConnectorValidation.errors(kafka.connect(), probe).get("restore.consumer.groups"));
        kafka.progress().deleteConnector(prefix + "backup", TIMEOUT); // takes the last snapshot
        kafka.topics().deleteAndAwait(topics.all(), TIMEOUT);
        return originals;
    }

    /**
     * Groups at 0, in the middle, at the last record, at the end and past the end of every partition,
     * and one on a single partition.
     */
    private static List<Group> groupsFor(Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> zero = new TreeMap<>(MetadataSnapshot.PARTITION_ORDER);
        Map<TopicPartition, Long> middle = new TreeMap<>(MetadataSnapshot.PARTITION_ORDER);
        Map<TopicPartition, Long> end = new TreeMap<>(MetadataSnapshot.PARTITION_ORDER);
        Map<TopicPartition, Long> past = new TreeMap<>(MetadataSnapshot.PARTITION_ORDER);
        Map<TopicPartition, Long> last = new TreeMap<>(MetadataSnapshot.PARTITION_ORDER);
        ends.forEach((tp, e) -> {
            zero.put(tp, 0L);
            middle.put(tp, e / 2);
            end.put(tp, e);
            past.put(tp, e + 1000);
            last.put(tp, Math.max(0, e - 1)); // the last record (a commit marker on a transactional topic)
        });
        TreeMap<TopicPartition, Long> ordered = new TreeMap<>(MetadataSnapshot.PARTITION_ORDER);
        ordered.putAll(ends);
        TopicPartition first = ordered.firstKey();
        return List.of(new Group("g-zero", zero), new Group("g-middle", middle), new Group("g-end", end),
                new Group("g-past", past), new Group("g-last", last),
                new Group("g-one", Map.of(first, Math.max(0, ends.get(first) - 3))));
    }

    /**
     * Checks every group's committed offset in the target: a consumer starting there reads, first, the
     * original record at or after the group's offset, or nothing when there is none.
     */
    static void assertGroupsRepositioned(EmbeddedConnectExtension kafka, List<TopicSnapshot> originals,
                                         List<Group> groups) throws Exception {
        Admin admin = kafka.connect().admin();
        for (Group group : groups) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.id())
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            for (TopicSnapshot original : originals) {
                for (int p : original.partitions().keySet()) {
                    TopicPartition source = new TopicPartition(original.topic(), p);
                    TopicPartition target = new TopicPartition(PREFIX + original.topic(), p);
                    Long offset = group.offsets().get(source);
                    if (offset == null) {
                        assertTrue(!committed.containsKey(target), group.id() + " had no offset on " + source
                                + " but has one on " + target);
                        continue;
                    }
                    OffsetAndMetadata at = committed.get(target);
                    if (at == null) {
                        fail(group.id() + " has no committed offset on " + target + " (it had " + offset + " on "
                                + source + "); committed: " + committed);
                    }
                    assertEquals("meta-" + group.id(), at.metadata(), "the consumer's metadata string is kept");
                    Optional<TopicSnapshot.SnapshotRecord> expected = original.records(p).stream()
                            .filter(r -> r.offset() >= offset).findFirst();
                    Optional<ConsumerRecord<byte[], byte[]>> actual = firstRecordFrom(kafka.bootstrapServers(), target,
                            at.offset());
                    String what = group.id() + " on " + target + " (committed " + offset + " on " + source
                            + ", restored at " + at.offset() + ")";
                    if (expected.isEmpty()) {
                        assertTrue(actual.isEmpty(), what + " should read nothing, reads " + actual);
                    } else {
                        assertTrue(actual.isPresent(), what + " reads nothing, expected original offset "
                                + expected.get().offset());
                        assertSame(expected.get(), actual.get(), what);
                    }
                }
            }
        }
    }

    private static void assertSame(TopicSnapshot.SnapshotRecord expected, ConsumerRecord<byte[], byte[]> actual,
                                   String what) {
        String at = what + ": expected the original record at offset " + expected.offset();
        assertEquals(expected.timestamp(), actual.timestamp(), at + " (timestamp)");
        assertTrue(Arrays.equals(expected.key(), actual.key()), at + " (key)");
        assertTrue(Arrays.equals(expected.value(), actual.value()), at + " (value)");
        var headers = actual.headers().toArray();
        assertEquals(expected.headers().size(), headers.length, at + " (header count)");
        for (int i = 0; i < headers.length; i++) {
            assertEquals(expected.headers().get(i).key(), headers[i].key(), at + " (header key " + i + ")");
            assertTrue(Arrays.equals(expected.headers().get(i).value(), headers[i].value()), at + " (header " + i + ")");
        }
    }

    /** What a read_committed consumer positioned at {@code offset} reads first, if anything. */
    static Optional<ConsumerRecord<byte[], byte[]>> firstRecordFrom(String bootstrap, TopicPartition tp, long offset) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            consumer.seek(tp, offset);
            long deadline = System.currentTimeMillis() + 30_000;
            while (consumer.position(tp) < end && System.currentTimeMillis() < deadline) {
                List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(Duration.ofMillis(500)).records(tp);
                if (!records.isEmpty()) {
                    return Optional.of(records.get(0));
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Waits until every group has a committed offset on every restored partition it had one on
     * originally; fails early when connector {@code restore} (if not null) fails.
     */
    static void awaitGroupsCommitted(EmbeddedConnectExtension kafka, List<Group> groups, String restore)
            throws Exception {
        Admin admin = kafka.connect().admin();
        List<String> missing = new ArrayList<>();
        Await.condition("the restore to commit every group", TIMEOUT, () -> {
            if (restore != null) {
                kafka.progress().failIfFailed(restore);
            }
            missing.clear();
            for (Group group : groups) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.id())
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                for (TopicPartition source : group.offsets().keySet()) {
                    TopicPartition target = new TopicPartition(PREFIX + source.topic(), source.partition());
                    if (!committed.containsKey(target)) {
                        missing.add(group.id() + "@" + target);
                    }
                }
            }
            return missing.isEmpty();
        }, () -> "not committed yet: " + missing);
    }

    static Map<String, String> restoreConfig(EmbeddedConnectExtension kafka, String name, Map<String, String> storage,
                                             List<TopicSnapshot> originals) {
        Map<String, String> restore = ConnectorConfigs.restore(name, kafka.bootstrapServers(), storage);
        List<String> mapping = new ArrayList<>();
        originals.forEach(o -> mapping.add(o.topic() + ":" + PREFIX + o.topic()));
        restore.put("restore.topics", String.join(",", originals.stream().map(TopicSnapshot::topic).toList()));
        restore.put("restore.topic.mapping", String.join(",", mapping));
        restore.put("restore.consumer.groups", "g-.*");
        restore.put("tasks.max", "2");
        return restore;
    }

    static Map<String, String> renames(List<TopicSnapshot> originals) {
        Map<String, String> renamed = new HashMap<>();
        originals.forEach(o -> renamed.put(o.topic(), PREFIX + o.topic()));
        return renamed;
    }
}
