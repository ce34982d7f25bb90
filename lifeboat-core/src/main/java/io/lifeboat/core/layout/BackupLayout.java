package io.lifeboat.core.layout;

import org.apache.kafka.common.TopicPartition;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a backup set's objects live under its prefix (layout version 1):
 *
 * <pre>
 * {prefix}partitions/{topic}/{partition:6}                      partition marker (the partition exists)
 * {prefix}segments/{topic}/{partition:6}/{first:20}-{last:20}_prev-{p}_ts-{min}-{max}.avro
 * {prefix}gaps/{topic}/{partition:6}/{first missing:20}-{last missing:20}  a recorded hole ({@link OffsetGap})
 * {prefix}_lifeboat/write-check/{connector}-{task}              a backup task's write probe, removed at once
 * {prefix}metadata/{yyyy-MM-dd}/{taken at:20}_{connector}.json  a metadata snapshot (UTC day, epoch millis)
 * </pre>
 *
 * Offsets are zero-padded to 20 digits so that listing order is offset order; {@code p} is the last
 * offset of the preceding segment (20 digits) or {@code none}; {@code min} and {@code max} are the
 * smallest and largest record timestamps in epoch milliseconds, or {@code none}. A key is a pure
 * function of the segment's records, so writing the same segment again yields the same key.
 * Kafka topic names only use {@code [a-zA-Z0-9._-]}, which need no escaping in keys.
 */
public final class BackupLayout {

    public static final String PARTITIONS = "partitions/";
    public static final String SEGMENTS = "segments/";
    public static final String HIGH_WATER = "high-water/";
    public static final String GAPS = "gaps/";
    public static final String WRITE_CHECK = "_lifeboat/write-check/";
    public static final String SEGMENT_SUFFIX = ".avro";
    public static final String METADATA = "metadata/";
    public static final String SNAPSHOT_SUFFIX = ".json";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);
    private static final Pattern SNAPSHOT_NAME = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})/(\\d{20})_([A-Za-z0-9._*+%-]+)\\.json");

    private static final Pattern SEGMENT_NAME = Pattern.compile(
            "(\\d{20})-(\\d{20})_prev-(\\d{20}|none)_ts-(0|[1-9]\\d*|none)-(0|[1-9]\\d*|none)\\.avro");
    private static final Pattern PARTITION_FOLDER = Pattern.compile("\\d{6}");
    private static final Pattern GAP_NAME = Pattern.compile("(\\d{20})-(\\d{20})");
    private static final Pattern HIGH_WATER_NAME = Pattern.compile("[A-Za-z0-9._*+%-]+/task-\\d+");

    private final String prefix;

    /** @param prefix the backup set's prefix: empty or ending with '/' */
    public BackupLayout(String prefix) {
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("prefix must be empty or end with '/': " + prefix);
        }
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    public String partitionMarkersPrefix() {
        return prefix + PARTITIONS;
    }

    public String partitionMarkersPrefix(String topic) {
        return prefix + PARTITIONS + topic + "/";
    }

    public String partitionMarkerKey(TopicPartition tp) {
        return partitionMarkersPrefix(tp.topic()) + partitionFolder(tp.partition());
    }

    /** The partition a marker key names, or empty when the key is not a marker. */
    public Optional<TopicPartition> parsePartitionMarker(String key) {
        if (!key.startsWith(partitionMarkersPrefix())) {
            return Optional.empty();
        }
        String rest = key.substring(partitionMarkersPrefix().length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || !PARTITION_FOLDER.matcher(rest.substring(slash + 1)).matches()) {
            return Optional.empty();
        }
        return Optional.of(new TopicPartition(rest.substring(0, slash), Integer.parseInt(rest.substring(slash + 1))));
    }

    public String highWaterPrefix() {
        return prefix + HIGH_WATER;
    }

    /**
     * The high-water object of one writer (a backup task), named by its connector and task number
     * so that a restarted task overwrites its own object.
     */
    public String highWaterKey(String connector, int task) {
        return prefix + HIGH_WATER + URLEncoder.encode(connector, StandardCharsets.UTF_8) + "/task-" + task;
    }

    /** True for keys that {@link #highWaterKey} makes. */
    public boolean isHighWaterKey(String key) {
        String folder = prefix + HIGH_WATER;
        return key.startsWith(folder) && HIGH_WATER_NAME.matcher(key.substring(folder.length())).matches();
    }

    /**
     * The small object a backup task writes and deletes at start to prove it may write under the
     * prefix; nothing reads it, and a task that could not delete it overwrites it at its next start.
     */
    public String writeCheckKey(String connector, int task) {
        return prefix + WRITE_CHECK + URLEncoder.encode(connector, StandardCharsets.UTF_8) + "-" + task;
    }

    public String gapsPrefix() {
        return prefix + GAPS;
    }

    public String gapsPrefix(String topic) {
        return prefix + GAPS + topic + "/";
    }

    public String gapsPrefix(TopicPartition tp) {
        return prefix + GAPS + tp.topic() + "/" + partitionFolder(tp.partition()) + "/";
    }

    public String gapKey(OffsetGap gap) {
        return prefix + GAPS + gap.partition().topic() + "/" + partitionFolder(gap.partition().partition()) + "/"
                + String.format("%020d-%020d", gap.firstMissing(), gap.lastMissing());
    }

    /** The gap a key names, or empty when the key is not a gap of this layout. */
    public Optional<OffsetGap> parseGapKey(String key) {
        if (!key.startsWith(prefix + GAPS)) {
            return Optional.empty();
        }
        String[] parts = key.substring((prefix + GAPS).length()).split("/");
        if (parts.length != 3 || !PARTITION_FOLDER.matcher(parts[1]).matches()) {
            return Optional.empty();
        }
        Matcher m = GAP_NAME.matcher(parts[2]);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new OffsetGap(new TopicPartition(parts[0], Integer.parseInt(parts[1])),
                    Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public String metadataPrefix() {
        return prefix + METADATA;
    }

    /** The folder of the snapshots taken on one day (UTC): {@code {prefix}metadata/yyyy-MM-dd/}. */
    public String metadataDayPrefix(long epochMillis) {
        return prefix + METADATA + DAY.format(Instant.ofEpochMilli(epochMillis)) + "/";
    }

    /** The key of the snapshot {@code connector} took at {@code takenAt}; keys of one day sort by time. */
    public String snapshotKey(String connector, long takenAt) {
        return metadataDayPrefix(takenAt) + String.format("%020d", takenAt) + "_"
                + URLEncoder.encode(connector, StandardCharsets.UTF_8) + SNAPSHOT_SUFFIX;
    }

    /** What a snapshot key names, or empty when the key is not a snapshot of this layout. */
    public Optional<SnapshotKey> parseSnapshotKey(String key) {
        if (!key.startsWith(prefix + METADATA)) {
            return Optional.empty();
        }
        Matcher m = SNAPSHOT_NAME.matcher(key.substring((prefix + METADATA).length()));
        if (!m.matches()) {
            return Optional.empty();
        }
        long takenAt = Long.parseLong(m.group(2));
        if (!key.startsWith(metadataDayPrefix(takenAt))) {
            return Optional.empty(); // filed under another day than its time says
        }
        return Optional.of(new SnapshotKey(key, takenAt, URLDecoder.decode(m.group(3), StandardCharsets.UTF_8)));
    }

    public String segmentsPrefix() {
        return prefix + SEGMENTS;
    }

    public String segmentsPrefix(String topic) {
        return prefix + SEGMENTS + topic + "/";
    }

    public String segmentsPrefix(TopicPartition tp) {
        return prefix + SEGMENTS + tp.topic() + "/" + partitionFolder(tp.partition()) + "/";
    }

    /**
     * The key after which a listing of {@link #segmentsPrefix(TopicPartition)} holds exactly the
     * partition's segments whose first offset is {@code firstOffset} or more: the prefix and the 20 digits
     * of {@code firstOffset}, which sorts after every key of a smaller first offset and before every key
     * of this one (they go on with "-"). For S3's {@code start-after}, so the keys before are never listed.
     */
    public String segmentsStartAfter(TopicPartition tp, long firstOffset) {
        if (firstOffset < 0) {
            throw new IllegalArgumentException("negative offset: " + firstOffset);
        }
        return segmentsPrefix(tp) + String.format("%020d", firstOffset);
    }

    public String segmentKey(SegmentDescriptor s) {
        return segmentsPrefix(s.topicPartition())
                + String.format("%020d-%020d_prev-%s_ts-%s-%s%s", s.firstOffset(), s.lastOffset(),
                        s.hasPrevious() ? String.format("%020d", s.previousLastOffset()) : "none",
                        orNone(s.minTimestamp()), orNone(s.maxTimestamp()), SEGMENT_SUFFIX);
    }

    /**
     * The descriptor a segment key carries, or empty when the key is not a segment of this layout. Only
     * the keys {@link #segmentKey} writes count (no leading zeros in a timestamp, say), so the key of a
     * parsed descriptor is always {@code segmentKey(descriptor)}: the restore reads it under that key.
     */
    public Optional<SegmentDescriptor> parseSegmentKey(String key) {
        if (!key.startsWith(prefix + SEGMENTS)) {
            return Optional.empty();
        }
        String[] parts = key.substring((prefix + SEGMENTS).length()).split("/");
        if (parts.length != 3 || !PARTITION_FOLDER.matcher(parts[1]).matches()) {
            return Optional.empty();
        }
        Matcher m = SEGMENT_NAME.matcher(parts[2]);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SegmentDescriptor(parts[0], Integer.parseInt(parts[1]),
                    Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), parseOrNone(m.group(3)),
                    parseOrNone(m.group(4)), parseOrNone(m.group(5))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String partitionFolder(int partition) {
        return String.format("%06d", partition);
    }

    private static String orNone(long value) {
        return value == SegmentDescriptor.NONE ? "none" : Long.toString(value);
    }

    private static long parseOrNone(String s) {
        return s.equals("none") ? SegmentDescriptor.NONE : Long.parseLong(s);
    }
}
