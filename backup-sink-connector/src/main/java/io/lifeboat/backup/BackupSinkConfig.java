package io.lifeboat.backup;

import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.config.Validators;
import io.lifeboat.core.segment.SegmentCompression;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.sink.SinkTask;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration of the backup sink connector: the shared storage keys, how segments are cut, and the
 * source cluster whose metadata (topic ids, configs, consumer-group offsets) the backup records.
 */
public final class BackupSinkConfig extends AbstractConfig {

    public static final String SEGMENT_GROUP = "Segments";

    public static final String SEGMENT_MAX_RECORDS = "segment.max.records";
    public static final long SEGMENT_MAX_RECORDS_DEFAULT = 1_000_000L;
    private static final String SEGMENT_MAX_RECORDS_DOC = "A segment is closed and uploaded after this many records.";

    public static final String SEGMENT_MAX_BYTES = "segment.max.bytes";
    public static final long SEGMENT_MAX_BYTES_DEFAULT = 128L * 1024 * 1024;
    private static final String SEGMENT_MAX_BYTES_DOC = "A segment is closed and uploaded once its records take "
            + "this many bytes, uncompressed (keys, values, headers and per-record fields). Larger segments mean "
            + "fewer objects and PUT requests; the local spool of each partition grows up to this size.";

    public static final String SEGMENT_MAX_AGE_MS = "segment.max.age.ms";
    public static final long SEGMENT_MAX_AGE_MS_DEFAULT = 5 * 60 * 1000L;
    private static final String SEGMENT_MAX_AGE_MS_DOC = "A segment is closed and uploaded when its first record "
            + "has waited this long (wall clock), even if the partition has gone quiet. This bounds how much a "
            + "disaster can lose (the recovery point objective). Each partition that receives records writes at "
            + "most 3600000 / segment.max.age.ms objects an hour because of this bound.";

    public static final String SEGMENT_COMPRESSION = "segment.compression";
    public static final String SEGMENT_COMPRESSION_DEFAULT = "zstd";
    private static final String SEGMENT_COMPRESSION_DOC = "Compression of segment data blocks: zstd, snappy, gzip "
            + "(Avro's standard 'deflate' codec, the algorithm of gzip) or none.";

    public static final String SPOOL_DIR = "spool.dir";
    private static final String SPOOL_DIR_DOC = "Local folder where open segments are spooled before upload. "
            + "Needs room for one open segment per partition a task holds (up to segment.max.bytes each). "
            + "Default: a 'lifeboat-spool' folder in the JVM's temporary directory.";

    public static final String METADATA_GROUP = "Source cluster metadata";

    public static final String SOURCE_PREFIX = "source.cluster.";
    public static final String SOURCE_BOOTSTRAP_SERVERS = SOURCE_PREFIX + "bootstrap.servers";
    private static final String SOURCE_BOOTSTRAP_SERVERS_DOC = "Bootstrap servers of the backed-up cluster's admin "
            + "API (host:port list). With it, the backup set also records, every metadata.interval.ms and when the "
            + "connector stops, a metadata snapshot: each backed-up topic's id, partition count and the configs set "
            + "on it, and the committed offsets of every consumer group on the backed-up topics (docs/FORMAT.md), "
            + "so that a restore creates topics with their settings and repositions consumer groups. Other admin "
            + "client settings of that cluster go under the 'source.cluster.' prefix (source.cluster.security.protocol, "
            + "source.cluster.sasl.jaas.config, ...). Empty: no metadata is recorded. An unreachable cluster never "
            + "stops or slows the record backup: the snapshot is logged as failed and tried again.";

    public static final String METADATA_INTERVAL_MS = "metadata.interval.ms";
    public static final long METADATA_INTERVAL_MS_DEFAULT = 60_000L;
    private static final String METADATA_INTERVAL_MS_DOC = "How often the metadata snapshot is taken (also once "
            + "at start and once when the connector stops). One object per snapshot: 86400000 / metadata.interval.ms "
            + "a day (1440 at the default) for the last 48 hours; older ones are thinned to the first of each hour.";
    static final String CONSUMER_GROUP_ID_OVERRIDE = "consumer.override.group.id";

    /** Set by the connector on each task's config: the task's number, which names its high-water object. */
    static final String TASK_NUMBER = "backup.task.number";
    private static final String CONNECTOR_NAME = "name";

    public static final ConfigDef CONFIG_DEF = configDef();

    public BackupSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    private static ConfigDef configDef() {
        ConfigDef def = StorageConfig.define(new ConfigDef());
        int order = 0;
        return def
                .define(SEGMENT_MAX_RECORDS, Type.LONG, SEGMENT_MAX_RECORDS_DEFAULT, Range.atLeast(1),
                        Importance.MEDIUM, SEGMENT_MAX_RECORDS_DOC, SEGMENT_GROUP, ++order, Width.SHORT,
                        "Segment max records")
                .define(SEGMENT_MAX_BYTES, Type.LONG, SEGMENT_MAX_BYTES_DEFAULT, Range.atLeast(1024),
                        Importance.MEDIUM, SEGMENT_MAX_BYTES_DOC, SEGMENT_GROUP, ++order, Width.SHORT,
                        "Segment max bytes")
                .define(SEGMENT_MAX_AGE_MS, Type.LONG, SEGMENT_MAX_AGE_MS_DEFAULT, Range.atLeast(100),
                        Importance.HIGH, SEGMENT_MAX_AGE_MS_DOC, SEGMENT_GROUP, ++order, Width.SHORT,
                        "Segment max age (RPO)")
                .define(SEGMENT_COMPRESSION, Type.STRING, SEGMENT_COMPRESSION_DEFAULT,
                        ConfigDef.ValidString.in(SegmentCompression.configNames()),
                        Importance.LOW, SEGMENT_COMPRESSION_DOC, SEGMENT_GROUP, ++order, Width.SHORT,
                        "Segment compression")
                .define(SPOOL_DIR, Type.STRING, null,
                        Importance.LOW, SPOOL_DIR_DOC, SEGMENT_GROUP, ++order, Width.LONG, "Spool folder")
                .define(SOURCE_BOOTSTRAP_SERVERS, Type.LIST, "",
                        Validators.described("host:port list", BackupSinkConfig::validBootstrapServers),
                        Importance.HIGH, SOURCE_BOOTSTRAP_SERVERS_DOC, METADATA_GROUP, 1, Width.LONG,
                        "Source cluster bootstrap servers")
                .define(METADATA_INTERVAL_MS, Type.LONG, METADATA_INTERVAL_MS_DEFAULT, Range.atLeast(1000),
                        Importance.MEDIUM, METADATA_INTERVAL_MS_DOC, METADATA_GROUP, 2, Width.SHORT,
                        "Metadata snapshot interval")
                .defineInternal(TASK_NUMBER, Type.INT, 0, Importance.LOW);
    }

    /** Each entry host:port with a port from 1 to 65535 (IPv6 hosts in brackets); nothing is resolved. */
    private static void validBootstrapServers(String name, Object value) {
        if (value == null) {
            return;
        }
        for (Object entry : (List<?>) value) {
            String server = String.valueOf(entry).trim();
            Integer port = Utils.getPort(server);
            if (Utils.getHost(server) == null || port == null || port < 1 || port > 65535) {
                throw new ConfigException(name, value, "'" + server + "' is not host:port (such as "
                        + "kafka-1.internal:9092, or [::1]:9092 for an IPv6 address)");
            }
        }
    }

    public StorageConfig storage() {
        return new StorageConfig(this);
    }

    public long segmentMaxRecords() {
        return getLong(SEGMENT_MAX_RECORDS);
    }

    public long segmentMaxBytes() {
        return getLong(SEGMENT_MAX_BYTES);
    }

    public Duration segmentMaxAge() {
        return Duration.ofMillis(getLong(SEGMENT_MAX_AGE_MS));
    }

    public SegmentCompression compression() {
        return SegmentCompression.fromConfigName(getString(SEGMENT_COMPRESSION));
    }

    /** The connector's name as Connect passes it ("backup" when absent, as in some tests). */
    public String connectorName() {
        Object name = originals().get(CONNECTOR_NAME);
        return name == null || name.toString().isBlank() ? "backup" : name.toString();
    }

    public int taskNumber() {
        return getInt(TASK_NUMBER);
    }

    /** The source cluster's bootstrap servers; empty when no metadata is recorded. */
    public List<String> sourceBootstrapServers() {
        return getList(SOURCE_BOOTSTRAP_SERVERS).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public boolean recordsMetadata() {
        return !sourceBootstrapServers().isEmpty();
    }

    public Duration metadataInterval() {
        return Duration.ofMillis(getLong(METADATA_INTERVAL_MS));
    }

    /**
     * Admin client settings of the source cluster: every {@code source.cluster.*} key, prefix removed
     * (passwords included, for the admin client only; never logged by Lifeboat).
     */
    public Map<String, Object> sourceAdminConfig() {
        Map<String, Object> admin = new HashMap<>(originalsWithPrefix(SOURCE_PREFIX));
        admin.put("bootstrap.servers", String.join(",", sourceBootstrapServers()));
        admin.putIfAbsent("client.id", "lifeboat-backup-metadata-" + connectorName());
        return admin;
    }

    /** What the connector backs up: Connect's {@code topics} list or {@code topics.regex}. */
    public BackedUpTopics backedUpTopics() {
        return BackedUpTopics.of(originalsStrings().get(SinkTask.TOPICS_CONFIG),
                originalsStrings().get(SinkTask.TOPICS_REGEX_CONFIG));
    }

    /**
     * The consumer group the backup's tasks commit their offsets in: {@code consumer.override.group.id}
     * when set, else Connect's {@code connect-<connector name>}.
     */
    public String backupGroupId() {
        return Optional.ofNullable(originalsStrings().get(CONSUMER_GROUP_ID_OVERRIDE)).map(String::trim)
                .filter(s -> !s.isEmpty()).orElse("connect-" + connectorName());
    }

    public Path spoolDirectory() {
        String dir = getString(SPOOL_DIR);
        return dir == null || dir.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "lifeboat-spool")
                : Path.of(dir.trim());
    }
}
