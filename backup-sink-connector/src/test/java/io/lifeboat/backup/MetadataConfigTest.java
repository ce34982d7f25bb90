package io.lifeboat.backup;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metadata keys of the backup config: source.cluster.* and metadata.interval.ms. */
class MetadataConfigTest {

    private static Map<String, String> props(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "orders-backup");
        props.put("storage.backend", "filesystem");
        props.put("filesystem.root", "/tmp/lifeboat-test");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    @Test
    void withoutSourceClusterNoMetadataIsRecorded() {
        BackupSinkConfig config = new BackupSinkConfig(props());
        assertFalse(config.recordsMetadata());
        assertEquals(List.of(), config.sourceBootstrapServers());
        assertEquals(Duration.ofMinutes(1), config.metadataInterval());
    }

    @Test
    void bootstrapServersAndIntervalAreParsed() {
        BackupSinkConfig config = new BackupSinkConfig(props(
                "source.cluster.bootstrap.servers", " kafka-1.internal:9092, [::1]:9093 ,10.0.0.7:9094",
                "metadata.interval.ms", "2000"));
        assertTrue(config.recordsMetadata());
        assertEquals(List.of("kafka-1.internal:9092", "[::1]:9093", "10.0.0.7:9094"), config.sourceBootstrapServers());
        assertEquals(Duration.ofSeconds(2), config.metadataInterval());
    }

    @Test
    void malformedServersAndShortIntervalsAreRejectedNamingTheKey() {
        for (String bad : List.of("kafka-1.internal", "kafka:0", "kafka:99999", "kafka:port", "a:1,,b:2")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> new BackupSinkConfig(props("source.cluster.bootstrap.servers", bad)), bad);
            assertTrue(e.getMessage().contains("source.cluster.bootstrap.servers"), e.getMessage());
            assertTrue(e.getMessage().contains("is not host:port"), e.getMessage());
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> new BackupSinkConfig(props("metadata.interval.ms", "999")));
        assertTrue(e.getMessage().contains("metadata.interval.ms"), e.getMessage());
    }

    @Test
    void adminSettingsComeFromThePrefixSecurityIncluded() {
        BackupSinkConfig config = new BackupSinkConfig(props(
                "source.cluster.bootstrap.servers", "a:9092,b:9092",
                "source.cluster.security.protocol", "SASL_SSL",
                "source.cluster.sasl.mechanism", "SCRAM-SHA-512",
                "source.cluster.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"u\" password=\"p\";",
                "target.cluster.security.protocol", "PLAINTEXT",
                "consumer.override.security.protocol", "SSL"));
        Map<String, Object> admin = config.sourceAdminConfig();
        assertEquals("a:9092,b:9092", admin.get("bootstrap.servers"));
        assertEquals("SASL_SSL", admin.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", admin.get("sasl.mechanism"));
        assertTrue(String.valueOf(admin.get("sasl.jaas.config")).contains("ScramLoginModule"));
        assertEquals("lifeboat-backup-metadata-orders-backup", admin.get("client.id"));
        assertFalse(admin.containsKey("target.cluster.security.protocol"));
        assertFalse(admin.containsKey("consumer.override.security.protocol"));
        assertEquals(5, admin.size(), admin.keySet().toString());
    }

    @Test
    void theConfigNeverPrintsAPassword() {
        BackupSinkConfig config = new BackupSinkConfig(props(
                "source.cluster.bootstrap.servers", "a:9092", "source.cluster.ssl.key.password", "s3cr3t-value"));
        assertFalse(config.toString().contains("s3cr3t-value"), config.toString());
        assertEquals("[hidden]", new Password("s3cr3t-value").toString());
    }

    @Test
    void theOwnGroupIsConnectsOrTheOverride() {
        assertEquals("connect-orders-backup", new BackupSinkConfig(props()).backupGroupId());
        assertEquals("backup-group", new BackupSinkConfig(props("consumer.override.group.id", " backup-group "))
                .backupGroupId());
    }

    @Test
    void theBackedUpTopicsAreConnectsListOrRegex() {
        BackedUpTopics list = new BackupSinkConfig(props("topics", "orders, payments")).backedUpTopics();
        assertEquals(List.of("orders", "payments"), list.names());
        assertTrue(list.regex().isEmpty());
        BackedUpTopics regex = new BackupSinkConfig(props("topics.regex", "orders\\..*")).backedUpTopics();
        assertEquals(List.of(), regex.names());
        assertEquals("orders\\..*", regex.regex().orElseThrow().pattern());
    }
}
