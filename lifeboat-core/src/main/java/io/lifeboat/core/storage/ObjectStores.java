package io.lifeboat.core.storage;

import io.lifeboat.core.config.StorageBackend;
import io.lifeboat.core.config.StorageConfig;
import org.apache.kafka.common.config.ConfigException;

/** Opens the {@link ObjectStore} that a {@link StorageConfig} names. */
public final class ObjectStores {

    private ObjectStores() {
    }

    /**
     * The backend of {@code config}: a {@link FilesystemObjectStore} on {@code filesystem.root} or an
     * {@link S3ObjectStore} on {@code s3.bucket.name}. The caller closes it.
     *
     * @throws ConfigException when a key the backend needs is missing
     */
    public static ObjectStore open(StorageConfig config) {
        return switch (config.backend()) {
            case FILESYSTEM -> {
                if (config.filesystemRoot() == null) {
                    throw new ConfigException(StorageConfig.FILESYSTEM_ROOT, null,
                            "a root folder is required for the filesystem backend");
                }
                yield new FilesystemObjectStore(config.filesystemRoot());
            }
            case S3 -> S3ObjectStore.create(config);
        };
    }

    /** Like {@link #open}, with an S3 client that gives up quickly: for checks while validating a config. */
    public static ObjectStore openForCheck(StorageConfig config) {
        return config.backend() == StorageBackend.S3 ? S3ObjectStore.createForCheck(config) : open(config);
    }
}
