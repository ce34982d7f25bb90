package io.lifeboat.cli;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Connector configs for the two Lifeboat plugins, as a user would POST them, for the drill and the
 * tests. The maps are mutable so that callers can adjust a key.
 */
public final class ConnectorConfigs {

    public static final String BACKUP_CLASS = "io.lifeboat.backup.BackupSinkConnector";
    public static final String RESTORE_CLASS = "io.lifeboat.restore.RestoreSourceConnector";
    public static final String BYTE_ARRAY_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter";

    private ConnectorConfigs() {
    }

    /** Storage keys of a filesystem store rooted at {@code root}. */
    public static Map<String, String> filesystemStorage(Path root, String prefix) {
        Map<String, String> storage = new LinkedHashMap<>();
        storage.put("storage.backend", "filesystem");
        storage.put("filesystem.root", root.toAbsolutePath().toString());
        if (prefix != null && !prefix.isEmpty()) {
            storage.put("storage.prefix", prefix);
        }
        return storage;
    }

    /**
     * A backup of {@code topics} with byte-exact converters, read_committed and segments closed after a
     * second, so that a drill or test sees its backup in the store quickly.
     */
    public static Map<String, String> backup(String name, Collection<String> topics, Map<String, String> storage) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("name", name);
        config.put("connector.class", BACKUP_CLASS);
        config.put("tasks.max", "1");
        config.put("topics", String.join(",", topics));
        byteArrayConverters(config);
        config.put("consumer.override.isolation.level", "read_committed");
        config.put("segment.max.age.ms", "1000");
        config.putAll(storage);
        return config;
    }

    /**
     * A restore of every topic in the backup set into the cluster at {@code targetBootstrapServers}.
     * Add {@code restore.topics} or {@code restore.topic.mapping} to narrow or rename.
     */
    public static Map<String, String> restore(String name, String targetBootstrapServers, Map<String, String> storage) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("name", name);
        config.put("connector.class", RESTORE_CLASS);
        config.put("tasks.max", "1");
        byteArrayConverters(config);
        config.put("target.cluster.bootstrap.servers", targetBootstrapServers);
        config.putAll(storage);
        return config;
    }

    private static void byteArrayConverters(Map<String, String> config) {
        config.put("key.converter", BYTE_ARRAY_CONVERTER);
        config.put("value.converter", BYTE_ARRAY_CONVERTER);
        config.put("header.converter", BYTE_ARRAY_CONVERTER);
    }
}
