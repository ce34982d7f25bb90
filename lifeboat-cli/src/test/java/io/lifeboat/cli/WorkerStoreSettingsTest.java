package io.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The store settings the drill's restore connector gets: the backup's own (a secret behind a config
 * provider's reference stays behind it) when the drill reads the same store; the drill's otherwise.
 */
class WorkerStoreSettingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, String> s3(String bucket, String secret) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("storage.backend", "s3");
        settings.put("s3.bucket.name", bucket);
        settings.put("aws.access.key.id", "AKIDEXAMPLE");
        settings.put("aws.secret.access.key", secret);
        return settings;
    }

    private static JsonNode backupConfig(Map<String, String> storage) {
        Map<String, String> config = new LinkedHashMap<>(storage);
        config.put("connector.class", ClusterStatus.BACKUP_CLASS);
        config.put("topics", "orders");
        return JSON.valueToTree(config);
    }

    @Test
    void theSameStoreGivesTheBackupsOwnSettingsReferenceIncluded() {
        Map<String, String> given = s3("backups", "the-literal-secret"); // from --store-config
        JsonNode backup = backupConfig(s3("backups", "${file:/etc/kafka/s3.properties:secret}"));
        assertEquals(s3("backups", "${file:/etc/kafka/s3.properties:secret}"),
                ClusterStatus.workerStoreSettings(backup, given), "the literal secret is not handed over");
    }

    @Test
    void anotherStoreOrSettingsTheBackupDoesWithoutGiveTheDrillsOwn() {
        JsonNode backup = backupConfig(s3("backups", "${file:/etc/kafka/s3.properties:secret}"));
        Map<String, String> copy = s3("backups-copy", "other-secret"); // a copy of the set in another bucket
        assertEquals(copy, ClusterStatus.workerStoreSettings(backup, copy));

        Map<String, String> more = s3("backups", "the-literal-secret");
        more.put("s3.region", "eu-west-1");
        assertEquals(more, ClusterStatus.workerStoreSettings(backup, more));

        Map<String, String> hidden = s3("backups", "the-literal-secret");
        assertEquals(hidden, ClusterStatus.workerStoreSettings(backupConfig(s3("backups", "[hidden]")), hidden));
    }
}
