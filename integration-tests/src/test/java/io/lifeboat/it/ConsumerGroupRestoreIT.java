package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.harness.Await;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ConsumerGroupRestoreScenario} on a worker without exactly-once support, and a group that is in use. */
class ConsumerGroupRestoreIT extends ConsumerGroupRestoreScenario {

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    Path root;

    @Override
    EmbeddedConnectExtension kafka() {
        return KAFKA;
    }

    @Test
    void everyGroupResumesAtTheRecordItWouldHaveReadNext() throws Exception {
        Map<String, String> storage = ConnectorConfigs.filesystemStorage(root, "groups");
        List<Group> groups = new ArrayList<>();
        List<TopicSnapshot> originals = backUpWithGroups(KAFKA, storage, "cg.", groups);

        KAFKA.configure(restoreConfig(KAFKA, "cg-restore", storage, originals));
        KAFKA.restores().awaitComplete("cg-restore", originals, renames(originals), TIMEOUT);
        awaitGroupsCommitted(KAFKA, groups, "cg-restore");
        assertGroupsRepositioned(KAFKA, originals, groups);
        KAFKA.progress().deleteConnector("cg-restore", TIMEOUT);
    }

    @Test
    void aGroupWithActiveMembersInTheTargetIsLeftAloneAndReported() throws Exception {
        Map<String, String> storage = ConnectorConfigs.filesystemStorage(root, "active");
        List<Group> groups = new ArrayList<>();
        List<TopicSnapshot> originals = backUpWithGroups(KAFKA, storage, "ca.", groups);
        AtomicBoolean stop = new AtomicBoolean();
        Thread member = startMember("g-middle", "ca.unrelated", stop);
        try {
            Map<String, String> restore = restoreConfig(KAFKA, "ca-restore", storage, originals);
            restore.put("tasks.max", "1");
            KAFKA.configure(restore);
            String failure = KAFKA.progress().awaitTaskFailure("ca-restore", TIMEOUT);
            assertTrue(failure.contains("g-middle") && failure.contains("active members"), failure);
            assertTrue(!failure.contains("g-zero "), "only the group in use is reported: " + failure);

            Map<TopicPartition, OffsetAndMetadata> untouched = KAFKA.connect().admin()
                    .listConsumerGroupOffsets("g-middle").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            assertTrue(untouched.keySet().stream().noneMatch(tp -> tp.topic().startsWith(PREFIX + "ca.")),
                    "g-middle has offsets on restored topics: " + untouched);
            List<Group> others = groups.stream().filter(g -> !g.id().equals("g-middle")).toList();
            awaitGroupsCommitted(KAFKA, others, null);
            assertGroupsRepositioned(KAFKA, originals, others);

            stop.set(true); // the consumers leave: a restart of the task commits the group, writing nothing again
            member.join(30_000);
            Map<TopicPartition, Long> endsBefore = targetEnds(originals);
            KAFKA.connect().cluster().restartConnectorAndTasks("ca-restore", false, true, false);
            awaitGroupsCommitted(KAFKA, groups, null); // the status shows the old failure for a moment
            KAFKA.progress().awaitRunning("ca-restore", TIMEOUT);
            assertGroupsRepositioned(KAFKA, originals, groups);
            assertEquals(endsBefore, targetEnds(originals), "the restart wrote records again");
        } finally {
            stop.set(true);
            member.join(30_000);
        }
        KAFKA.progress().deleteConnector("ca-restore", TIMEOUT);
    }

    /**
     * A restarted task recommits a group whose offset vanished from the target only where its source
     * offsets prove where it goes (the group's translation point is the last restored record, checked
     * byte for byte against the target's last record), and reports the one it cannot prove.
     */
    @Test
    void aRestartRecommitsOnlyTheVanishedGroupsItCanProve() throws Exception {
        Map<String, String> storage = ConnectorConfigs.filesystemStorage(root, "vanished");
        List<Group> groups = new ArrayList<>();
        List<TopicSnapshot> originals = backUpWithGroups(KAFKA, storage, "cv.", groups);
        Map<String, String> restore = restoreConfig(KAFKA, "cv-restore", storage, originals);
        restore.put("tasks.max", "1");
        KAFKA.configure(restore);
        KAFKA.restores().awaitComplete("cv-restore", originals, renames(originals), TIMEOUT);
        awaitGroupsCommitted(KAFKA, groups, "cv-restore");

        TopicPartition awkward0 = new TopicPartition(PREFIX + "cv.awkward", 0);
        var admin = KAFKA.connect().admin();
        long lastBefore = admin.listConsumerGroupOffsets("g-last").partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).get(awkward0).offset();
        for (String group : List.of("g-last", "g-middle")) {
            admin.deleteConsumerGroupOffsets(group, java.util.Set.of(awkward0)).all().get(30, TimeUnit.SECONDS);
        }
        KAFKA.connect().cluster().restartConnectorAndTasks("cv-restore", false, true, false);
        String failure = KAFKA.progress().awaitTaskFailure("cv-restore", TIMEOUT);
        assertTrue(failure.contains("g-middle") && failure.contains(awkward0.toString())
                && failure.contains("deleted since"), failure);
        assertTrue(!failure.contains("g-last"), "g-last is proven and recommitted: " + failure);
        Map<TopicPartition, OffsetAndMetadata> recommitted = KAFKA.connect().admin().listConsumerGroupOffsets("g-last")
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        assertEquals(lastBefore, recommitted.get(awkward0).offset(), "g-last is back where it was");
        assertTrue(!KAFKA.connect().admin().listConsumerGroupOffsets("g-middle").partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).containsKey(awkward0), "g-middle is not guessed");
        KAFKA.progress().deleteConnector("cv-restore", TIMEOUT);
    }

    private Map<TopicPartition, Long> targetEnds(List<TopicSnapshot> originals) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        originals.forEach(o -> o.partitions().keySet().forEach(p ->
                request.put(new TopicPartition(PREFIX + o.topic(), p), OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        KAFKA.connect().admin().listOffsets(request).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** A consumer that is a member of {@code group} (subscribed to another topic) until {@code stop}. */
    private Thread startMember(String group, String topic, AtomicBoolean stop) throws Exception {
        KAFKA.connect().admin().createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        AtomicBoolean joined = new AtomicBoolean();
        Thread thread = new Thread(() -> {
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(topic));
                while (!stop.get()) {
                    consumer.poll(Duration.ofMillis(200));
                    joined.set(!consumer.assignment().isEmpty());
                }
            }
        }, "active-member-" + group);
        thread.start();
        Await.condition("a member of " + group + " to join", TIMEOUT, joined::get, () -> "not joined");
        return thread;
    }
}
