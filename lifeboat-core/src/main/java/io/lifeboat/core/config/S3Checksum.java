package io.lifeboat.core.config;

import java.util.Arrays;
import java.util.Locale;

/**
 * The checksum that every S3 upload carries ({@code s3.checksum.algorithm}) and that the store
 * verifies before it accepts the object. {@link #NONE} sends none, for S3-compatible stores that
 * reject the checksum headers; each segment's own CRC32C, which the restore checks, still protects
 * the records.
 */
public enum S3Checksum {
    CRC32C, CRC32, SHA256, NONE;

    public static S3Checksum fromConfigName(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    public static String[] configNames() {
        return Arrays.stream(values()).map(Enum::name).toArray(String[]::new);
    }
}
