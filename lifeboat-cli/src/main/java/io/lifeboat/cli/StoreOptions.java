package io.lifeboat.cli;

import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.ObjectStores;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command-line options that name a backup set: {@code --root DIR} for a filesystem store or
 * {@code --s3-bucket B} (with {@code --s3-endpoint}, {@code --s3-region}, {@code --s3-path-style}) for
 * S3, plus {@code --prefix P}. S3 credentials come from the AWS SDK's default chain (environment
 * variables, profile, instance role), never from the command line.
 */
public final class StoreOptions {

    public static final Set<String> OPTIONS = Set.of("root", "prefix", "s3-bucket", "s3-endpoint", "s3-region");
    public static final Set<String> FLAGS = Set.of("s3-path-style");

    private final StorageConfig config;

    private StoreOptions(StorageConfig config) {
        this.config = config;
    }

    /** Reads the store options; exactly one of {@code --root} and {@code --s3-bucket} is required. */
    public static StoreOptions from(Args args) {
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected arguments " + args.positional());
        }
        String root = args.get("root");
        String bucket = args.get("s3-bucket");
        if ((root == null) == (bucket == null)) {
            throw new Args.UsageException("name the backup set with either --root DIR or --s3-bucket BUCKET");
        }
        Map<String, String> props = new HashMap<>();
        if (root != null) {
            props.put(StorageConfig.BACKEND, "filesystem");
            props.put(StorageConfig.FILESYSTEM_ROOT, Path.of(root).toAbsolutePath().toString());
        } else {
            props.put(StorageConfig.BACKEND, "s3");
            props.put(StorageConfig.S3_BUCKET, bucket);
            putIfSet(props, StorageConfig.S3_ENDPOINT, args.get("s3-endpoint"));
            putIfSet(props, StorageConfig.S3_REGION, args.get("s3-region"));
            props.put(StorageConfig.S3_PATH_STYLE, Boolean.toString(args.flag("s3-path-style")));
        }
        putIfSet(props, StorageConfig.PREFIX, args.get("prefix"));
        return new StoreOptions(new StorageConfig(new AbstractConfig(StorageConfig.define(new ConfigDef()), props, false)));
    }

    private static void putIfSet(Map<String, String> props, String key, String value) {
        if (value != null) {
            props.put(key, value);
        }
    }

    /** Opens the store; the caller closes it. */
    public ObjectStore open() {
        return ObjectStores.open(config);
    }

    public BackupLayout layout() {
        return new BackupLayout(config.prefix());
    }
}
