package io.lifeboat.core.config;

import java.util.Arrays;
import java.util.Locale;

/** The kinds of object store a backup set can live in. */
public enum StorageBackend {
    S3, FILESYSTEM;

    /** The name users write in configs: {@code s3}, {@code filesystem}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static StorageBackend fromConfigName(String name) {
        return Arrays.stream(values())
                .filter(b -> b.configName().equalsIgnoreCase(name.trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown storage backend " + name));
    }

    public static String[] configNames() {
        return Arrays.stream(values()).map(StorageBackend::configName).toArray(String[]::new);
    }
}
