package io.lifeboat.core.metadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.metadata.MetadataSnapshot.CommittedOffset;
import io.lifeboat.core.metadata.MetadataSnapshot.GroupOffsets;
import io.lifeboat.core.metadata.MetadataSnapshot.TopicMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON form of a {@link MetadataSnapshot} (docs/FORMAT.md, "Metadata snapshots"): UTF-8 JSON
 * with {@code "format": "lifeboat-metadata-snapshot"} and {@code "version": 1}. Names are
 * snake_case, maps are written in sorted order (the same snapshot gives the same bytes), and fields
 * a reader does not know are ignored, so a later version 1 writer may add fields; a reader refuses
 * a higher version, naming the object.
 */
public final class SnapshotCodec {

    public static final String FORMAT = "lifeboat-metadata-snapshot";
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A snapshot object that cannot be read, with the object's key in the message. */
    public static final class UnreadableSnapshotException extends IOException {
        UnreadableSnapshotException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private SnapshotCodec() {
    }

    public static byte[] encode(MetadataSnapshot snapshot) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("taken_at", snapshot.takenAt());
        root.put("taken_at_utc", Instant.ofEpochMilli(snapshot.takenAt()).toString());
        root.put("connector", snapshot.connector());
        root.put("source_cluster_id", snapshot.sourceClusterId());
        root.put("final", snapshot.last());
        ObjectNode topics = root.putObject("topics");
        new TreeMap<>(snapshot.topics()).forEach((name, topic) -> {
            ObjectNode node = topics.putObject(name);
            node.put("topic_id", topic.topicId());
            node.put("partitions", topic.partitions());
            node.put("replication_factor", topic.replicationFactor());
            ObjectNode configs = node.putObject("configs");
            new TreeMap<>(topic.configs()).forEach(configs::put);
            ArrayNode ends = node.putArray("end_offsets");
            new TreeMap<>(topic.endOffsets()).forEach((p, end) -> ends.addObject().put("partition", p).put("offset", end));
        });
        ObjectNode groups = root.putObject("consumer_groups");
        new TreeMap<>(snapshot.groups()).forEach((id, group) -> {
            ObjectNode node = groups.putObject(id);
            node.put("state", group.state());
            ArrayNode offsets = node.putArray("offsets");
            group.offsets().forEach((tp, committed) -> {
                ObjectNode entry = offsets.addObject().put("topic", tp.topic()).put("partition", tp.partition())
                        .put("offset", committed.offset());
                if (committed.metadata() != null && !committed.metadata().isEmpty()) {
                    entry.put("metadata", committed.metadata());
                }
            });
        });
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a metadata snapshot", e);
        }
    }

    /** Parses one object's content; {@code key} names it in messages. */
    public static MetadataSnapshot decode(byte[] content, String key) throws UnreadableSnapshotException {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (IOException e) {
            throw new UnreadableSnapshotException("Metadata snapshot " + key + " is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new UnreadableSnapshotException("Metadata snapshot " + key + " has no \"format\": \"" + FORMAT
                    + "\": it was not written by Lifeboat", null);
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new UnreadableSnapshotException("Metadata snapshot " + key + " has version " + version
                    + "; this version of Lifeboat reads version " + VERSION + " (was it written by a newer one?)", null);
        }
        try {
            Map<String, TopicMetadata> topics = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = required(root, "topics", "the snapshot").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode node = e.getValue();
                Map<String, String> configs = new HashMap<>();
                node.path("configs").fields().forEachRemaining(c -> {
                    if (!c.getValue().isNull()) { // a value the broker did not reveal (sensitive): nothing to restore
                        configs.put(c.getKey(), c.getValue().asText());
                    }
                });
                String at = "topics." + e.getKey();
                Map<Integer, Long> ends = new HashMap<>();
                for (JsonNode end : node.path("end_offsets")) {
                    ends.put((int) number(end, "partition", at + ".end_offsets"),
                            number(end, "offset", at + ".end_offsets"));
                }
                topics.put(e.getKey(), new TopicMetadata(node.path("topic_id").asText(null),
                        (int) number(node, "partitions", at), node.path("replication_factor").asInt(-1), configs, ends));
            }
            Map<String, GroupOffsets> groups = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("consumer_groups").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String at = "consumer_groups." + e.getKey() + ".offsets";
                Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
                for (JsonNode entry : e.getValue().path("offsets")) {
                    offsets.put(new TopicPartition(required(entry, "topic", at).asText(),
                                    (int) number(entry, "partition", at)),
                            new CommittedOffset(number(entry, "offset", at), entry.path("metadata").asText("")));
                }
                groups.put(e.getKey(), new GroupOffsets(e.getValue().path("state").asText(""), offsets));
            }
            return new MetadataSnapshot(number(root, "taken_at", "the snapshot"), root.path("connector").asText(""),
                    root.path("source_cluster_id").asText(""), root.path("final").asBoolean(false), topics, groups);
        } catch (IllegalArgumentException e) {
            throw new UnreadableSnapshotException("Metadata snapshot " + key + " is incomplete: " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("field \"" + field + "\" of " + where + " is missing");
        }
        return value;
    }

    /** A whole number, never a value Jackson would read as 0 ("12a", "x", 1.5). */
    private static long number(JsonNode node, String field, String where) {
        JsonNode value = required(node, field, where);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("field \"" + field + "\" of " + where + " is not a whole number: " + value);
        }
        return value.asLong();
    }
}
