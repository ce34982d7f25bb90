package io.lifeboat.backup;

import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.segment.SegmentCompression;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Configuration of the backup sink connector: the shared storage keys plus how segments are cut. */
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
                .defineInternal(TASK_NUMBER, Type.INT, 0, Importance.LOW);
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

    public Path spoolDirectory() {
        String dir = getString(SPOOL_DIR);
        return dir == null || dir.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "lifeboat-spool")
                : Path.of(dir.trim());
    }
}
