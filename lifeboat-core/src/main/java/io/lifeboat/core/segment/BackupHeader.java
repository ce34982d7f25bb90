package io.lifeboat.core.segment;

import java.util.Arrays;

/** One Kafka record header: a key and a value whose null and empty stay distinct. */
public record BackupHeader(String key, byte[] value) {

    @Override
    public boolean equals(Object o) {
        return o instanceof BackupHeader h && key.equals(h.key) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return key + "=" + (value == null ? "null" : value.length + " bytes");
    }
}
