package io.lifeboat.cli;

import io.lifeboat.harness.Await;
import io.lifeboat.harness.EmbeddedKafkaConnect;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Waits for a restore connector to finish: until its source offsets ({@code GET /connectors/<name>/offsets},
 * keyed by the backed-up topic-partition) say {@code "complete": true} for every non-empty partition, or
 * until every target partition has held as many records as the original for a few offset-flush intervals
 * (then the source offsets are late or wrong, which {@link Completion#RECORD_COUNTS} reports). A FAILED
 * connector or task ends the wait at once.
 */
public final class RestoreWatch {

    /** How a restore was seen to finish. */
    public enum Completion {
        /** Every partition's source offset says {@code complete: true}. */
        SOURCE_OFFSETS,
        /** The target partitions hold all records, but the source offsets did not (yet) say so. */
        RECORD_COUNTS
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConnectorProgress progress;
    private final Admin admin;
    private final ConnectRest rest;
    private final Duration offsetsGrace;
    private volatile String lastAnswer = "nothing yet";

    /**
     * @param offsetFlushInterval the workers' {@code offset.flush.interval.ms}: how long after the last
     *                            record the source offsets may still be uncommitted
     */
    public RestoreWatch(ConnectRest rest, Admin admin, Duration offsetFlushInterval) {
        this.progress = new ConnectorProgress(rest, admin);
        this.admin = admin;
        this.rest = rest;
        this.offsetsGrace = offsetFlushInterval.multipliedBy(3).plusSeconds(4);
    }

    /** Watches the embedded cluster through its REST URL and admin client. */
    public RestoreWatch(EmbeddedKafkaConnect connect) {
        this(new ConnectRest(connect.restUrl()), connect.admin(),
                Duration.ofMillis(EmbeddedKafkaConnect.OFFSET_FLUSH_INTERVAL_MS));
    }

    /** Waits for a restore of {@code originals} into topics of the same names. */
    public Completion awaitComplete(String name, Collection<TopicSnapshot> originals, Duration timeout) throws Exception {
        return awaitComplete(name, originals, Map.of(), timeout);
    }

    /**
     * @param renamed target topic by backed-up topic, for topics restored under another name
     */
    public Completion awaitComplete(String name, Collection<TopicSnapshot> originals, Map<String, String> renamed,
                                    Duration timeout) throws Exception {
        Map<TopicPartition, Long> records = new HashMap<>();
        for (TopicSnapshot snapshot : originals) {
            snapshot.partitions().forEach((partition, held) -> records.put(
                    new TopicPartition(snapshot.topic(), partition), (long) held.size()));
        }
        return awaitComplete(name, records, renamed, timeout);
    }

    /**
     * Waits for a restore of backed-up partitions that held {@code records} records each (empty ones
     * are not awaited). Holds no records, so it suits topics too large to snapshot.
     *
     * @param renamed target topic by backed-up topic, for topics restored under another name
     */
    public Completion awaitComplete(String name, Map<TopicPartition, Long> records, Map<String, String> renamed,
                                    Duration timeout) throws Exception {
        Map<String, Long> needed = new TreeMap<>(); // "topic-partition" of the original -> records
        Map<TopicPartition, Long> targets = new HashMap<>(); // target partition -> records
        records.forEach((tp, count) -> {
            if (count > 0) {
                needed.put(tp.topic() + "-" + tp.partition(), count);
                targets.put(new TopicPartition(renamed.getOrDefault(tp.topic(), tp.topic()), tp.partition()), count);
            }
        });
        AtomicReference<String> state = new AtomicReference<>("nothing seen yet");
        long[] allRecordsSince = {0};
        return Await.result("restore connector " + name + " to finish", timeout, () -> {
            progress.failIfFailed(name);
            Map<String, Map<String, ?>> offsets = sourceOffsets(name);
            List<String> pending = new ArrayList<>();
            needed.keySet().forEach(partition -> {
                Map<String, ?> offset = offsets.get(partition);
                if (offset == null || !Boolean.TRUE.equals(offset.get("complete"))) {
                    pending.add(partition + " at " + offset);
                }
            });
            if (pending.isEmpty()) {
                return Optional.of(Completion.SOURCE_OFFSETS);
            }
            List<String> missing = shortTargets(targets);
            state.set(pending.size() + " partitions without complete=true in their source offset " + pending
                    + "; target partitions short of records: " + missing
                    + "; GET /connectors/" + name + "/offsets answered " + abbreviate(lastAnswer));
            if (!missing.isEmpty()) {
                allRecordsSince[0] = 0;
                return Optional.empty();
            }
            // Source offsets are committed every offset.flush.interval.ms, after the records: give them time.
            if (allRecordsSince[0] == 0) {
                allRecordsSince[0] = System.nanoTime();
            }
            return System.nanoTime() - allRecordsSince[0] > offsetsGrace.toNanos()
                    ? Optional.of(Completion.RECORD_COUNTS) : Optional.empty();
        }, state::get);
    }

    /**
     * Waits until the source offset of every backed-up partition in {@code partitions} says
     * {@code complete: true}: the restore wrote and Kafka acknowledged its last record, and it repositioned
     * its consumer groups. No fallback on record counts: for a backup still running, the drill does not
     * know how many records the restore found.
     */
    public void awaitSourceOffsetsComplete(String name, Collection<TopicPartition> partitions, Duration timeout)
            throws Exception {
        List<String> needed = partitions.stream().map(tp -> tp.topic() + "-" + tp.partition()).sorted().toList();
        AtomicReference<String> state = new AtomicReference<>("nothing seen yet");
        Await.condition("restore connector " + name + " to report every partition complete", timeout, () -> {
            progress.failIfFailed(name);
            Map<String, Map<String, ?>> offsets = sourceOffsets(name);
            List<String> pending = needed.stream().filter(p -> offsets.get(p) == null
                    || !Boolean.TRUE.equals(offsets.get(p).get("complete"))).toList();
            state.set(pending.size() + " of " + needed.size() + " partitions without complete=true in their source "
                    + "offset, such as " + pending.stream().limit(5).toList() + "; GET /connectors/" + name
                    + "/offsets answered " + abbreviate(lastAnswer));
            return pending.isEmpty();
        }, state::get);
    }

    /** Source offsets by "topic-partition" of the backed-up topic; empty while the connector is unknown. */
    public Map<String, Map<String, ?>> sourceOffsets(String name) throws Exception {
        Map<String, Map<String, ?>> result = new TreeMap<>();
        Optional<JsonNode> answer;
        try {
            answer = rest.offsets(name);
        } catch (IOException e) {
            lastAnswer = e.getMessage();
            return result; // the worker is rebalancing, or busy
        }
        lastAnswer = answer.map(JsonNode::toString).orElse("404: no such connector (yet)");
        for (JsonNode entry : answer.map(a -> a.path("offsets")).orElse(JSON.createArrayNode())) {
            JsonNode partition = entry.path("partition");
            @SuppressWarnings("unchecked")
            Map<String, ?> offset = JSON.convertValue(entry.path("offset"), Map.class);
            result.put(partition.path("topic").asText() + "-" + partition.path("partition").asText(), offset);
        }
        return result;
    }

    /** Target partitions whose end offset is below the original's record count. */
    private List<String> shortTargets(Map<TopicPartition, Long> expected) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        expected.keySet().forEach(tp -> request.put(tp, OffsetSpec.latest()));
        List<String> result = new ArrayList<>();
        Map<TopicPartition, ListOffsetsResultInfo> ends;
        try {
            ends = admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return List.of("target topics not all there yet (" + e.getCause().getClass().getSimpleName() + ")");
        }
        expected.forEach((tp, records) -> {
            long end = ends.get(tp).offset();
            if (end < records) {
                result.add(tp + " has " + end + " of " + records);
            }
        });
        return result;
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
