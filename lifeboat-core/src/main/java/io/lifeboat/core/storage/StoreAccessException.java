package io.lifeboat.core.storage;

import io.lifeboat.core.Causes;

import java.io.IOException;
import java.util.Optional;

/**
 * The store answered, and the answer shows that a setting is wrong (no such bucket, unknown access
 * key, access denied, wrong region, a root that is not a folder): waiting will not help, the setting
 * named by {@link #configKey()} has to change.
 */
public final class StoreAccessException extends IOException {

    private final String configKey;
    private final boolean missingCredentials;

    public StoreAccessException(String configKey, String message, Throwable cause) {
        this(configKey, message, cause, false);
    }

    private StoreAccessException(String configKey, String message, Throwable cause, boolean missingCredentials) {
        super(message, cause);
        this.configKey = configKey;
        this.missingCredentials = missingCredentials;
    }

    /** No credentials were found on this machine (static keys absent, nothing in the default chain). */
    public static StoreAccessException missingCredentials(String configKey, String message, Throwable cause) {
        return new StoreAccessException(configKey, message, cause, true);
    }

    /**
     * True when the failure is that this machine has no credentials, which says nothing about the
     * workers that will run the tasks.
     */
    public boolean isMissingCredentials() {
        return missingCredentials;
    }

    /**
     * The failure in {@code e}'s cause chain that waiting will not cure: a StoreAccessException other than
     * missing credentials (which the worker may still find, such as an instance role); empty for
     * failures worth retrying.
     */
    public static Optional<StoreAccessException> permanentCause(Throwable e) {
        return Causes.find(e, StoreAccessException.class, access -> !access.missingCredentials);
    }

    /** The config key to fix. */
    public String configKey() {
        return configKey;
    }
}
