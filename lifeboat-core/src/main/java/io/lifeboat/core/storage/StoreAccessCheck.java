package io.lifeboat.core.storage;

import io.lifeboat.core.config.ExactCopyRules;
import io.lifeboat.core.config.StorageConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The part of a connector's {@code validate()} that asks the store itself: once the storage keys
 * are valid on their own, one quick listing under the prefix shows a bucket that does not exist,
 * credentials the store rejects, a wrong region, an endpoint host that does not resolve or an
 * unusable root folder, as an error on the key to fix (the answers {@link S3ErrorClassifier} calls
 * permanent). A store that cannot be reached or is busy is not an error here (it may be down for a
 * moment; the connector retries), only logged; nor are credentials missing on the worker that
 * validates (the workers that run the tasks may have them).
 */
public final class StoreAccessCheck {

    private static final Logger log = LoggerFactory.getLogger(StoreAccessCheck.class);
    private static final ConfigDef STORAGE_DEF = StorageConfig.define(new ConfigDef());
    private static final List<String> STORAGE_KEYS = List.copyOf(STORAGE_DEF.names());

    private StoreAccessCheck() {
    }

    /**
     * Checks access and returns the open store (the caller closes it) when the store answered that
     * all is well; empty when a storage key already has an error, when the store named a key at
     * fault (added to {@code results}), or when it could not be reached.
     */
    public static Optional<ObjectStore> open(Map<String, String> props, Map<String, ConfigValue> results,
                                             ObjectStore.Access access) {
        for (String key : STORAGE_KEYS) {
            ConfigValue value = results.get(key);
            if (value != null && !value.errorMessages().isEmpty()) {
                return Optional.empty();
            }
        }
        StorageConfig config;
        ObjectStore store;
        try {
            config = new StorageConfig(new AbstractConfig(STORAGE_DEF, props, false));
            store = ObjectStores.openForCheck(config);
        } catch (RuntimeException e) {
            log.debug("Not checking the store: {}", e.getMessage());
            return Optional.empty();
        }
        try {
            store.checkAccess(config.prefix(), access);
            return Optional.of(store);
        } catch (StoreAccessException e) {
            if (e.isMissingCredentials()) {
                log.warn("Could not check access to {} while validating a config: {} The tasks fail unless the workers "
                        + "that run them have credentials.", store.describe(), e.getMessage());
            } else {
                ExactCopyRules.addError(results, e.configKey(), e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Could not check access to {} while validating a config: {}", store.describe(), e.getMessage());
        }
        store.close();
        return Optional.empty();
    }
}
