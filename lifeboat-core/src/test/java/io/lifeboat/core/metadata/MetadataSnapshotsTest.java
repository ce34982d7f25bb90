package io.lifeboat.core.metadata;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SnapshotKey;
import io.lifeboat.core.metadata.MetadataSnapshot.CommittedOffset;
import io.lifeboat.core.metadata.MetadataSnapshot.GroupOffsets;
import io.lifeboat.core.metadata.MetadataSnapshot.TopicMetadata;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ForwardingStore;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetadataSnapshotsTest {

    private static final BackupLayout LAYOUT = new BackupLayout("set/");

    static MetadataSnapshot snapshot(long takenAt, String connector, String topic, long groupOffset) {
        TopicMetadata orders = new TopicMetadata("id-" + topic, 2, 3,
                Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000"), Map.of(0, 10L, 1, 12L));
        GroupOffsets billing = new GroupOffsets("Stable", Map.of(
                new TopicPartition(topic, 1), new CommittedOffset(groupOffset, "m"),
                new TopicPartition(topic, 0), new CommittedOffset(4, "")));
        return new MetadataSnapshot(takenAt, connector, "cluster-1", false, Map.of(topic, orders), Map.of("billing", billing));
    }

    @Test
    void jsonRoundTripIsExactAndDeterministic() throws Exception {
        MetadataSnapshot original = snapshot(1_764_650_000_000L, "backup orders", "orders", 7);
        byte[] bytes = SnapshotCodec.encode(original);
        assertEquals(original, SnapshotCodec.decode(bytes, "k"));
        assertArrayEquals(bytes, SnapshotCodec.encode(SnapshotCodec.decode(bytes, "k")));
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"format\" : \"lifeboat-metadata-snapshot\""), text);
        assertTrue(text.contains("\"taken_at_utc\" : \"" + Instant.ofEpochMilli(1_764_650_000_000L) + "\""), text);
    }

    @Test
    void unknownFieldsAreIgnoredAndNewerVersionsRefusedNamingTheObject() throws Exception {
        String json = new String(SnapshotCodec.encode(snapshot(5, "c", "t", 1)), StandardCharsets.UTF_8);
        String withExtra = json.replaceFirst("\\{", "{ \"added_later\": [1, 2],");
        assertEquals(snapshot(5, "c", "t", 1), SnapshotCodec.decode(withExtra.getBytes(StandardCharsets.UTF_8), "k"));
        byte[] v2 = json.replace("\"version\" : 1", "\"version\" : 2").getBytes(StandardCharsets.UTF_8);
        var e = assertThrows(SnapshotCodec.UnreadableSnapshotException.class, () -> SnapshotCodec.decode(v2, "set/metadata/x.json"));
        assertTrue(e.getMessage().contains("set/metadata/x.json") && e.getMessage().contains("version 2"), e.getMessage());
        assertThrows(SnapshotCodec.UnreadableSnapshotException.class,
                () -> SnapshotCodec.decode("{\"format\":\"other\"}".getBytes(StandardCharsets.UTF_8), "k"));
        byte[] damaged = json.replace("\"offset\" : 1,", "\"offset\" : \"1a\",").getBytes(StandardCharsets.UTF_8);
        var notANumber = assertThrows(SnapshotCodec.UnreadableSnapshotException.class,
                () -> SnapshotCodec.decode(damaged, "set/metadata/d.json"));
        assertTrue(notANumber.getMessage().contains("consumer_groups.billing.offsets")
                && notANumber.getMessage().contains("not a whole number"), notANumber.getMessage());
        byte[] nullConfig = json.replace("\"compact\"", "null").getBytes(StandardCharsets.UTF_8);
        assertEquals(Map.of("min.compaction.lag.ms", "60000"),
                SnapshotCodec.decode(nullConfig, "k").topics().get("t").configs(), "a null value is no config");
    }

    @Test
    void keysAreFiledByUtcDayAndParseBack() {
        long t = Instant.parse("2026-12-01T23:59:59.999Z").toEpochMilli();
        String key = LAYOUT.snapshotKey("backup orders", t);
        assertEquals("set/metadata/2026-12-01/" + String.format("%020d", t) + "_backup+orders.json", key);
        assertEquals(new SnapshotKey(key, t, "backup orders"), LAYOUT.parseSnapshotKey(key).orElseThrow());
        assertFalse(LAYOUT.parseSnapshotKey("set/metadata/2026-12-02/" + String.format("%020d", t) + "_c.json").isPresent());
        assertFalse(LAYOUT.parseSnapshotKey("set/metadata/2026-12-01/notes.txt").isPresent());
    }

    @Test
    void newestAtOrBeforeATimeIsFoundPerTopicAcrossDays(@TempDir Path root) throws Exception {
        try (FilesystemObjectStore store = new FilesystemObjectStore(root)) {
            long day1 = Instant.parse("2026-11-30T12:00:00Z").toEpochMilli();
            long day2 = Instant.parse("2026-12-01T00:00:01Z").toEpochMilli();
            MetadataSnapshots.write(store, LAYOUT, snapshot(day1, "a", "orders", 1));
            MetadataSnapshots.write(store, LAYOUT, snapshot(day1 + 1000, "b", "payments", 2));
            MetadataSnapshots.write(store, LAYOUT, snapshot(day2, "a", "orders", 3));
            MetadataSnapshots.write(store, LAYOUT, snapshot(day2 + 60_000, "a", "orders", 4));
            store.put("set/metadata/2026-12-01/README", new byte[0]);

            assertEquals(day2 + 60_000, MetadataSnapshots.newest(store, LAYOUT).orElseThrow().takenAt());
            var latest = MetadataSnapshots.forTopics(store, LAYOUT, List.of("orders", "payments"), OptionalLong.empty());
            assertEquals(day2 + 60_000, latest.get("orders").key().takenAt());
            assertEquals(day1 + 1000, latest.get("payments").key().takenAt(), "found in the day before");

            var atDay2 = MetadataSnapshots.forTopics(store, LAYOUT, List.of("orders"), OptionalLong.of(day2 + 59_999));
            assertEquals(3, atDay2.get("orders").snapshot().groups().get("billing").offsets()
                    .get(new TopicPartition("orders", 1)).offset());
            var before = MetadataSnapshots.forTopics(store, LAYOUT, List.of("orders"), OptionalLong.of(day2 - 1));
            assertEquals(day1, before.get("orders").key().takenAt());
            assertTrue(MetadataSnapshots.forTopics(store, LAYOUT, List.of("orders"), OptionalLong.of(day1 - 1)).isEmpty());
            assertTrue(MetadataSnapshots.forTopics(store, LAYOUT, List.of("unknown"), OptionalLong.empty()).isEmpty());

            long weekBefore = Instant.parse("2026-11-23T08:00:00Z").toEpochMilli();
            MetadataSnapshots.write(store, LAYOUT, snapshot(weekBefore, "old", "retired", 9));
            var withRetired = MetadataSnapshots.forTopics(store, LAYOUT, List.of("orders", "retired"), OptionalLong.empty());
            assertEquals(weekBefore, withRetired.get("retired").key().takenAt(),
                    "a topic last described a week earlier is still found (the newest snapshot of each earlier day)");
        }
    }

    @Test
    void aTopicNoSnapshotDescribesCostsTwoReadsPerConnectorAndDay(@TempDir Path root) throws Exception {
        try (FilesystemObjectStore files = new FilesystemObjectStore(root)) {
            long day = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
            for (int i = 0; i < 30; i++) {
                MetadataSnapshots.write(files, LAYOUT, snapshot(day + i * 60_000L, "a", "orders", i));
                MetadataSnapshots.write(files, LAYOUT, snapshot(day + i * 60_000L + 1, "b", "payments", i));
            }
            ForwardingStore counting = new ForwardingStore(files);
            assertTrue(MetadataSnapshots.forTopics(counting, LAYOUT, List.of("missing"), OptionalLong.empty()).isEmpty());
            assertEquals(4, counting.opens(), "the newest and oldest snapshot of each connector of the day, not all 60");
            ForwardingStore again = new ForwardingStore(files);
            var both = MetadataSnapshots.forTopics(again, LAYOUT, List.of("orders", "payments"),
                    OptionalLong.of(day + 10 * 60_000L));
            assertEquals(day + 10 * 60_000L, both.get("orders").key().takenAt());
            assertEquals(day + 9 * 60_000L + 1, both.get("payments").key().takenAt());
            assertEquals(2, again.opens());
        }
    }

    @Test
    void aTopicDeletedDuringTheDayIsFoundInTheLastSnapshotThatDescribedIt(@TempDir Path root) throws Exception {
        try (FilesystemObjectStore files = new FilesystemObjectStore(root)) {
            long yesterday = Instant.parse("2026-11-30T12:00:00Z").toEpochMilli();
            MetadataSnapshots.write(files, LAYOUT, snapshot(yesterday, "a", "orders", 1));
            long day = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
            for (int i = 0; i < 60; i++) { // orders is deleted after the 41st snapshot; payments stays
                MetadataSnapshot payments = snapshot(day + i * 60_000L, "a", "payments", i);
                MetadataSnapshot both = i > 40 ? payments : withTopic(payments, snapshot(0, "a", "orders", 100 + i));
                MetadataSnapshots.write(files, LAYOUT, both);
            }
            ForwardingStore counting = new ForwardingStore(files);
            var found = MetadataSnapshots.forTopics(counting, LAYOUT, List.of("orders", "payments"), OptionalLong.empty());
            assertEquals(day + 40 * 60_000L, found.get("orders").key().takenAt(),
                    "the last snapshot before the deletion, not yesterday's");
            assertEquals(140, found.get("orders").snapshot().groups().get("billing").offsets()
                    .get(new TopicPartition("orders", 1)).offset());
            assertEquals(day + 59 * 60_000L, found.get("payments").key().takenAt());
            assertTrue(counting.opens() <= 2 + 6, "halving, not reading all 60: " + counting.opens());

            var beforeDeletion = MetadataSnapshots.forTopics(files, LAYOUT, List.of("orders"),
                    OptionalLong.of(day + 30 * 60_000L));
            assertEquals(day + 30 * 60_000L, beforeDeletion.get("orders").key().takenAt(), "the end time still rules");
        }
    }

    /** {@code base} with the topic and groups of {@code other} as well. */
    private static MetadataSnapshot withTopic(MetadataSnapshot base, MetadataSnapshot other) {
        Map<String, TopicMetadata> topics = new java.util.HashMap<>(base.topics());
        topics.putAll(other.topics());
        Map<String, GroupOffsets> groups = new java.util.HashMap<>();
        base.groups().forEach((id, g) -> {
            Map<TopicPartition, CommittedOffset> offsets = new java.util.HashMap<>(g.offsets());
            offsets.putAll(other.groups().get(id).offsets());
            groups.put(id, new GroupOffsets(g.state(), offsets));
        });
        return new MetadataSnapshot(base.takenAt(), base.connector(), base.sourceClusterId(), base.last(), topics, groups);
    }
}
