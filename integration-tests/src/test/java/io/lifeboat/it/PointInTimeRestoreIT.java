package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.RecordComparison;
import io.lifeboat.cli.RestoreWatch;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.cli.TopicSnapshot.SnapshotRecord;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.StoredObject;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.log4j.Level;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restore to a point in time through the plugins on a real worker: a topic whose records have
 * increasing timestamps, with late records (older timestamps) here and there, is backed up in small
 * segments; restores with {@code restore.end.time}, then with {@code restore.start.time} too, write into
 * renamed topics exactly the offsets that {@code offsetsForTimes} on the original topic gives, byte for
 * byte, and report the cuts in their source offsets ({@code GET /connectors/<name>/offsets}) and logs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PointInTimeRestoreIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String TOPIC = "pitr.orders";
    private static final int PARTITIONS = 3;
    private static final int RECORDS_PER_PARTITION = 40;

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    static Path root;

    /** Timestamps are seconds after this; recent, so the target's default retention keeps them. */
    private final long base = (System.currentTimeMillis() - Duration.ofHours(2).toMillis()) / 1000 * 1000;
    private Map<String, String> storage;
    private TopicSnapshot original;
    private Map<Integer, List<Long>> segmentFirstOffsets;

    @BeforeAll
    void backUp() throws Exception {
        storage = ConnectorConfigs.filesystemStorage(root, "pitr");
        KAFKA.connect().admin().createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        SampleData.awaitLeaders(KAFKA.connect().admin(), List.of(TOPIC));
        produce();
        original = TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC, TIMEOUT);
        assertEquals(PARTITIONS * RECORDS_PER_PARTITION, original.recordCount());

        String backup = "pitr-backup";
        Map<String, String> config = ConnectorConfigs.backup(backup, List.of(TOPIC), storage);
        config.put("segment.max.records", "7"); // cuts fall inside segments and on their boundaries
        KAFKA.configure(config);
        KAFKA.progress().awaitBackupCaughtUp(backup, List.of(original), TIMEOUT);
        KAFKA.progress().deleteConnector(backup, TIMEOUT);
        segmentFirstOffsets = new HashMap<>();
        BackupLayout layout = new BackupLayout("pitr/");
        for (StoredObject object : new FilesystemObjectStore(root).list(layout.prefix() + BackupLayout.SEGMENTS)) {
            SegmentDescriptor segment = layout.parseSegmentKey(object.key()).orElseThrow();
            segmentFirstOffsets.computeIfAbsent(segment.partition(), p -> new ArrayList<>()).add(segment.firstOffset());
        }
    }

    /** The end cuts fall on a segment boundary in one partition and inside segments in the others. */
    private void assertCutsAtAndInsideSegments(Map<Integer, Long> cuts) {
        long onBoundary = cuts.entrySet().stream()
                .filter(c -> segmentFirstOffsets.getOrDefault(c.getKey(), List.of()).contains(c.getValue())).count();
        assertTrue(onBoundary > 0 && onBoundary < PARTITIONS, "cuts " + cuts + ", segments start at " + segmentFirstOffsets);
    }

    /**
     * Partition p, record i: timestamp base + (i + 2p) s, so the cuts fall at other offsets in each
     * partition; every record i with i % 10 == 7 is late, 20 s older than its place says. Some keys null,
     * some values empty, headers with duplicates and a null value.
     */
    private void produce() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                for (int p = 0; p < PARTITIONS; p++) {
                    long timestamp = base + (i + 2L * p - (i % 10 == 7 ? 20 : 0)) * 1000;
                    byte[] key = i % 5 == 0 ? null : ("key-" + p + "-" + i).getBytes(StandardCharsets.UTF_8);
                    byte[] value = i % 6 == 0 ? new byte[0] : ("value-" + p + "-" + i).getBytes(StandardCharsets.UTF_8);
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, p, timestamp, key, value);
                    record.headers().add(new RecordHeader("n", ("" + i).getBytes(StandardCharsets.UTF_8)));
                    record.headers().add(new RecordHeader("n", (byte[]) null));
                    producer.send(record);
                }
            }
            producer.flush();
        }
    }

    @Test
    void restoresThePrefixBeforeTheEndTime() throws Exception {
        long end = base + 20_500;
        Map<Integer, Long> endCuts = offsetsForTimes(end);
        assertTrue(lateRecordAfter(endCuts, end), "a late record after the end cut must be in the original");
        assertCutsAtAndInsideSegments(endCuts);

        Map<String, Map<String, ?>> offsets = restore("pitr-before", "pitr.orders.before", null,
                Instant.ofEpochMilli(end).toString(), new TreeMap<>(), endCuts);
        for (int p = 0; p < PARTITIONS; p++) {
            Map<String, ?> offset = offsets.get(TOPIC + "-" + p);
            assertNotNull(offset, "source offset of partition " + p + ": " + offsets);
            assertEquals(Boolean.TRUE, offset.get("complete"), offsets.toString());
            assertEquals(endCuts.get(p), ((Number) offset.get("end_cut")).longValue(), "end cut of " + p + ": " + offsets);
            assertEquals(endCuts.get(p) - 1, ((Number) offset.get("offset")).longValue(), offsets.toString());
            assertFalse(offset.containsKey("start_cut"), "no start time, no start cut: " + offsets);
        }
    }

    @Test
    void restoresTheRangeBetweenStartAndEndTimes() throws Exception {
        long start = base + 8_500;
        long end = base + 20_500;
        Map<Integer, Long> startCuts = offsetsForTimes(start);
        Map<Integer, Long> endCuts = offsetsForTimes(end);
        assertTrue(lateRecordInside(startCuts, endCuts, start), "a late record inside the range must be in the original");

        Map<String, Map<String, ?>> offsets;
        try (LogCapture capture = LogCapture.start(Map.of("io.lifeboat.restore", Level.INFO))) {
            // the start as an instant with a zone offset, the end as epoch millis
            String startText = Instant.ofEpochMilli(start).atOffset(java.time.ZoneOffset.ofHours(1)).toString();
            offsets = restore("pitr-window", "pitr.orders.window", startText, String.valueOf(end), startCuts, endCuts);
            for (int partition = 0; partition < PARTITIONS; partition++) {
                int p = partition;
                String line = TOPIC + "-" + p + ": restored offsets " + startCuts.get(p) + ".." + (endCuts.get(p) - 1)
                        + " (start cut at " + startCuts.get(p) + ": first timestamp >= " + Instant.ofEpochMilli(start);
                assertTrue(capture.lines().stream().anyMatch(l -> l.contains(line) && l.contains("end cut at "
                        + endCuts.get(p))), "log line '" + line + "...' in " + capture.lines().stream()
                        .filter(l -> l.contains("Restored ")).toList());
            }
        }
        for (int p = 0; p < PARTITIONS; p++) {
            Map<String, ?> offset = offsets.get(TOPIC + "-" + p);
            assertNotNull(offset, "source offset of partition " + p + ": " + offsets);
            assertEquals(Boolean.TRUE, offset.get("complete"), offsets.toString());
            assertEquals(startCuts.get(p), ((Number) offset.get("start_cut")).longValue(), offsets.toString());
            assertEquals(endCuts.get(p), ((Number) offset.get("end_cut")).longValue(), offsets.toString());
        }
    }

    /**
     * Restores into {@code target} and checks it holds, per partition, exactly the original records with
     * offsets from {@code startCuts} (0 when absent) up to, not including, {@code endCuts}.
     *
     * @return the restore's source offsets by original topic-partition, once complete
     */
    private Map<String, Map<String, ?>> restore(String name, String target, String startTime, String endTime,
                                  Map<Integer, Long> startCuts, Map<Integer, Long> endCuts) throws Exception {
        Map<Integer, List<SnapshotRecord>> wanted = new TreeMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            long from = startCuts.getOrDefault(p, 0L);
            long to = endCuts.get(p);
            assertTrue(from > 0 || startTime == null, "the start cut of " + p + " is inside the partition");
            assertTrue(to > from && to < RECORDS_PER_PARTITION, "the range of " + p + " is inside the partition");
            wanted.put(p, original.records(p).stream().filter(r -> r.offset() >= from && r.offset() < to).toList());
        }
        TopicSnapshot expected = new TopicSnapshot(TOPIC, wanted);

        Map<String, String> config = ConnectorConfigs.restore(name, KAFKA.bootstrapServers(), storage);
        config.put("restore.topic.mapping", TOPIC + ":" + target);
        config.put("restore.batch.size", "5");
        if (startTime != null) {
            config.put("restore.start.time", startTime);
        }
        config.put("restore.end.time", endTime);
        try {
            KAFKA.configure(config);
            assertEquals(RestoreWatch.Completion.SOURCE_OFFSETS,
                    KAFKA.restores().awaitComplete(name, List.of(expected), Map.of(TOPIC, target), TIMEOUT));
            TopicSnapshot restored = TopicSnapshot.read(KAFKA.bootstrapServers(), target, TIMEOUT);
            RecordComparison comparison = RecordComparison.compare(expected, restored);
            assertTrue(comparison.matches(), comparison.toString());
            assertEquals(expected.recordCount(), comparison.recordsCompared());
            return KAFKA.restores().sourceOffsets(name);
        } finally {
            KAFKA.progress().deleteConnector(name, TIMEOUT);
        }
    }

    /** What a real consumer's offsetsForTimes gives on the original topic, per partition. */
    private Map<Integer, Long> offsetsForTimes(long timestamp) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<TopicPartition, Long> query = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            query.put(new TopicPartition(TOPIC, p), timestamp);
        }
        Map<Integer, Long> cuts = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, TIMEOUT);
            found.forEach((tp, offset) -> cuts.put(tp.partition(), offset == null ? null : offset.offset()));
        }
        return cuts;
    }

    private boolean lateRecordAfter(Map<Integer, Long> endCuts, long end) {
        List<Boolean> late = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            long cut = endCuts.get(p);
            late.add(original.records(p).stream().anyMatch(r -> r.offset() > cut && r.timestamp() < end));
        }
        return !late.contains(false);
    }

    private boolean lateRecordInside(Map<Integer, Long> startCuts, Map<Integer, Long> endCuts, long start) {
        for (int p = 0; p < PARTITIONS; p++) {
            long from = startCuts.get(p);
            long to = endCuts.get(p);
            if (original.records(p).stream().noneMatch(r -> r.offset() > from && r.offset() < to && r.timestamp() < start)) {
                return false;
            }
        }
        return true;
    }
}
