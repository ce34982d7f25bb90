package io.lifeboat.cli;

import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.ObjectStores;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The command-line options that name a backup set, a mixin of every command that reads one: the store
 * settings as the connectors take them ({@link StorageConfig}, one code path), from a properties file
 * ({@code --store-config}) and/or from flags: {@code --root DIR} for a filesystem store or
 * {@code --s3-bucket B} (with {@code --s3-endpoint}, {@code --s3-region}, {@code --s3-path-style}) for
 * S3, plus {@code --prefix P}; a flag overrides the file. S3 credentials come from the file's
 * {@code aws.access.key.id} / {@code aws.secret.access.key} or the AWS SDK's default chain
 * (environment variables, profile, instance role), never from the command line, and are never
 * printed.
 */
public final class StoreOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--store-config", paramLabel = "FILE", description = "store settings as the connectors take "
            + "them, in a properties file: storage.backend, filesystem.root, s3.bucket.name, s3.region, "
            + "s3.endpoint.url, s3.path.style.access.enabled, aws.access.key.id, aws.secret.access.key, "
            + "storage.prefix; the other store options override it")
    Path storeConfig;

    @Option(names = "--root", paramLabel = "DIR", description = "a filesystem store: its root folder (filesystem.root)")
    Path root;

    @Option(names = "--s3-bucket", paramLabel = "BUCKET", description = "an S3 store: its bucket (s3.bucket.name)")
    String bucket;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "an S3-compatible endpoint (s3.endpoint.url)")
    String endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "the S3 region (s3.region)")
    String region;

    @Option(names = "--s3-path-style", description = "path-style addressing (s3.path.style.access.enabled)")
    boolean pathStyle;

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "the backup set's key prefix (storage.prefix)")
    String prefix;

    private StorageConfig config;
    private Map<String, String> settings;

    /**
     * The store settings given, read once (the properties file included); a usage error when they name no
     * store, two stores, or a bad value.
     */
    StorageConfig config() {
        if (config == null) {
            config = readConfig();
        }
        return config;
    }

    /**
     * The store settings given, under the connectors' keys (the file's other keys left out), as a
     * restore connector the drill submits takes them.
     */
    Map<String, String> settings() {
        config();
        return settings;
    }

    private StorageConfig readConfig() {
        Map<String, String> props = new HashMap<>(fromFile());
        props.keySet().retainAll(StorageConfig.define(new ConfigDef()).names());
        if (root != null && bucket != null) {
            throw usage("name the backup set with either --root DIR or --s3-bucket BUCKET, not both");
        }
        if (root != null) {
            props.put(StorageConfig.BACKEND, "filesystem");
            props.put(StorageConfig.FILESYSTEM_ROOT, root.toAbsolutePath().toString());
        } else if (bucket != null) {
            props.put(StorageConfig.BACKEND, "s3");
            props.put(StorageConfig.S3_BUCKET, bucket);
        }
        putIfSet(props, StorageConfig.S3_ENDPOINT, endpoint);
        putIfSet(props, StorageConfig.S3_REGION, region);
        if (pathStyle) {
            props.put(StorageConfig.S3_PATH_STYLE, "true");
        }
        putIfSet(props, StorageConfig.PREFIX, prefix);
        if (!props.containsKey(StorageConfig.BACKEND)) {
            throw usage("name the backup set with --root DIR, --s3-bucket BUCKET or --store-config FILE");
        }
        try {
            StorageConfig read = storageConfig(props);
            settings = Map.copyOf(props);
            return read;
        } catch (ConfigException e) {
            // Kafka's message names the key and, for a password type, hides the value
            throw usage("bad store setting: " + e.getMessage());
        }
    }

    /** Whether any store option was given (a command that can also take each connector's own store asks). */
    boolean given() {
        return storeConfig != null || root != null || bucket != null || endpoint != null || region != null
                || pathStyle || prefix != null;
    }

    /** Store settings under the connectors' keys, as {@link StorageConfig} reads them; other keys are ignored. */
    static StorageConfig storageConfig(Map<String, String> props) {
        return new StorageConfig(new AbstractConfig(StorageConfig.define(new ConfigDef()), props, false));
    }

    /** Opens the store; the caller closes it. */
    public ObjectStore open() {
        return ObjectStores.open(config());
    }

    public BackupLayout layout() {
        return new BackupLayout(config().prefix());
    }

    private Map<String, String> fromFile() {
        if (storeConfig == null) {
            return Map.of();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(storeConfig)) {
            properties.load(reader);
        } catch (IOException e) {
            throw usage("cannot read --store-config " + storeConfig + ": " + e);
        }
        Map<String, String> props = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> props.put(name, properties.getProperty(name).trim()));
        return props;
    }

    private ParameterException usage(String message) {
        return new ParameterException(command.commandLine(), message);
    }

    private static void putIfSet(Map<String, String> props, String key, String value) {
        if (value != null) {
            props.put(key, value);
        }
    }
}
