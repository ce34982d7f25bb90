package io.lifeboat.backup;

import io.lifeboat.core.config.ExactCopyRules;
import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoreAccessCheck;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rules of a backup config that span keys or concern the worker-level keys of the connector
 * (converters, consumer overrides, transforms). Each message is attached to the key at fault, so
 * that {@code PUT /connector-plugins/.../config/validate} shows it next to that key.
 */
final class BackupSinkValidator {

    static final String ISOLATION_LEVEL = "consumer.override.isolation.level";
    static final String AUTO_OFFSET_RESET = "consumer.override.auto.offset.reset";

    static Config validate(Map<String, String> props, Config base) {
        Map<String, ConfigValue> results = new LinkedHashMap<>();
        for (ConfigValue value : base.configValues()) {
            results.put(value.name(), value);
        }
        StorageConfig.validate(props, results);
        ExactCopyRules.requireByteArrayConverters(props, results,
                "a backup stores the bytes exactly as they are in Kafka, and any other converter would change them");
        String isolation = props.get(ISOLATION_LEVEL);
        if (isolation == null || !isolation.trim().equalsIgnoreCase("read_committed")) {
            ExactCopyRules.addError(results, ISOLATION_LEVEL, ISOLATION_LEVEL + " must be read_committed: "
                    + "otherwise the backup reads records of aborted transactions, and a restore would bring them back");
        }
        String reset = props.get(AUTO_OFFSET_RESET);
        if (reset != null && !reset.trim().equalsIgnoreCase("earliest")) {
            ExactCopyRules.addError(results, AUTO_OFFSET_RESET, AUTO_OFFSET_RESET + " must be earliest (or left out), "
                    + "not " + reset.trim() + ": when the last offset the backup stored is gone from the topic, any "
                    + "other reset makes the backup jump past records that are still in the topic, or fail");
        }
        ExactCopyRules.rejectTransforms(props, results, "a backup");
        ExactCopyRules.rejectErrorTolerance(props, results, "a backup");
        checkSourceAdminSettings(props, results);
        StoreAccessCheck.open(props, results, ObjectStore.Access.WRITE).ifPresent(ObjectStore::close);
        return new Config(List.copyOf(results.values()));
    }

    /**
     * The source.cluster.* settings must make a valid admin client config (a mistyped security.protocol
     * would otherwise fail every snapshot). Nothing is resolved or connected: reachability is no rule.
     */
    private static void checkSourceAdminSettings(Map<String, String> props, Map<String, ConfigValue> results) {
        ConfigValue servers = results.get(BackupSinkConfig.SOURCE_BOOTSTRAP_SERVERS);
        if (servers == null || !servers.errorMessages().isEmpty() || servers.value() == null
                || ((List<?>) servers.value()).isEmpty()) {
            return;
        }
        try {
            AdminClientConfig.configDef().parse(new BackupSinkConfig(props).sourceAdminConfig());
        } catch (ConfigException e) {
            ExactCopyRules.addError(results, BackupSinkConfig.SOURCE_BOOTSTRAP_SERVERS, "The admin client settings of "
                    + "the source cluster (" + BackupSinkConfig.SOURCE_PREFIX + "*) are invalid: " + e.getMessage());
        } catch (RuntimeException e) {
            // another key of this connector is wrong; its own error says so
        }
    }

    private BackupSinkValidator() {
    }
}
