package io.lifeboat.core.config;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The storage keys that both connectors share: which store holds the backup set and how to reach
 * it. {@link #define(ConfigDef)} adds them to a connector's {@link ConfigDef}; the constructor reads
 * them back as typed values.
 */
public final class StorageConfig {

    public static final String GROUP = "Storage";

    public static final String BACKEND = "storage.backend";
    private static final String BACKEND_DOC = "Where segments live: 's3' (AWS S3 or an S3-compatible store) or "
            + "'filesystem' (a folder, for tests, drills and shared file systems).";

    public static final String PREFIX = "storage.prefix";
    private static final String PREFIX_DOC = "Key prefix (folder) of one backup set inside the bucket or the "
            + "filesystem root. A restore reads the prefix that the backup wrote. Empty: the top of the bucket.";

    public static final String S3_BUCKET = "s3.bucket.name";
    private static final String S3_BUCKET_DOC = "Bucket holding the backup set. Required when storage.backend=s3.";

    public static final String S3_REGION = "s3.region";
    private static final String S3_REGION_DOC = "Region of the bucket. Default: the AWS SDK's region chain "
            + "(AWS_REGION, profile, instance metadata); with s3.endpoint.url set and no region found, us-east-1.";

    public static final String S3_ENDPOINT = "s3.endpoint.url";
    private static final String S3_ENDPOINT_DOC = "Endpoint of an S3-compatible store (MinIO, Ceph, S3Proxy, ...), "
            + "such as http://minio.internal:9000. Default: AWS S3.";

    public static final String S3_PATH_STYLE = "s3.path.style.access.enabled";
    private static final String S3_PATH_STYLE_DOC = "Use path-style addressing (endpoint/bucket/key) instead of "
            + "virtual-hosted style, as most S3-compatible stores need.";

    public static final String S3_CHECKSUM = "s3.checksum.algorithm";
    private static final String S3_CHECKSUM_DOC = "Checksum sent with every upload, which the store verifies "
            + "before it accepts the object: CRC32C, CRC32, SHA256, or NONE for S3-compatible stores that reject "
            + "checksum headers (an upload rejected for its checksum fails the task, naming this key). With NONE "
            + "each segment's own CRC32C, checked by the restore, still protects the records.";

    public static final String AWS_ACCESS_KEY_ID = "aws.access.key.id";
    private static final String AWS_ACCESS_KEY_ID_DOC = "Static access key id. When both static keys are absent, "
            + "the AWS SDK's default credentials chain is used (environment, profile, web identity, instance role).";

    public static final String AWS_SECRET_ACCESS_KEY = "aws.secret.access.key";
    private static final String AWS_SECRET_ACCESS_KEY_DOC = "Static secret access key; set together with "
            + "aws.access.key.id. Never logged by Lifeboat and shown as [hidden] by the validate endpoint; Kafka "
            + "Connect itself returns connector configs as submitted, so keep it in a config provider "
            + "(${file:...}, ${env:...}) or use the default credentials chain.";

    public static final String FILESYSTEM_ROOT = "filesystem.root";
    private static final String FILESYSTEM_ROOT_DOC = "Root folder of the filesystem store. Required when "
            + "storage.backend=filesystem. Every worker that runs a task must see the same folder.";

    private final StorageBackend backend;
    private final String prefix;
    private final String bucket;
    private final String region;
    private final URI endpoint;
    private final boolean pathStyle;
    private final S3Checksum checksum;
    private final String accessKeyId;
    private final Password secretAccessKey;
    private final Path filesystemRoot;

    public StorageConfig(AbstractConfig config) {
        this.backend = StorageBackend.fromConfigName(config.getString(BACKEND));
        this.prefix = normalizePrefix(config.getString(PREFIX));
        this.bucket = blankToNull(config.getString(S3_BUCKET));
        this.region = blankToNull(config.getString(S3_REGION));
        String endpointUrl = blankToNull(config.getString(S3_ENDPOINT));
        this.endpoint = endpointUrl == null ? null : URI.create(endpointUrl);
        this.pathStyle = config.getBoolean(S3_PATH_STYLE);
        this.checksum = S3Checksum.fromConfigName(config.getString(S3_CHECKSUM));
        this.accessKeyId = blankToNull(config.getString(AWS_ACCESS_KEY_ID));
        this.secretAccessKey = config.getPassword(AWS_SECRET_ACCESS_KEY);
        String root = blankToNull(config.getString(FILESYSTEM_ROOT));
        this.filesystemRoot = root == null ? null : Path.of(root);
    }

    /** Adds the storage keys to {@code def} and returns it. */
    public static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
                .define(BACKEND, Type.STRING, StorageBackend.S3.configName(),
                        ConfigDef.ValidString.in(StorageBackend.configNames()),
                        Importance.HIGH, BACKEND_DOC, GROUP, ++order, Width.SHORT, "Storage backend")
                .define(PREFIX, Type.STRING, "", Validators.OBJECT_KEY_PREFIX,
                        Importance.HIGH, PREFIX_DOC, GROUP, ++order, Width.LONG, "Backup set prefix")
                .define(S3_BUCKET, Type.STRING, null, Validators.S3_BUCKET_NAME,
                        Importance.HIGH, S3_BUCKET_DOC, GROUP, ++order, Width.MEDIUM, "S3 bucket")
                .define(S3_REGION, Type.STRING, null,
                        Importance.MEDIUM, S3_REGION_DOC, GROUP, ++order, Width.SHORT, "S3 region")
                .define(S3_ENDPOINT, Type.STRING, null, Validators.HTTP_URL,
                        Importance.MEDIUM, S3_ENDPOINT_DOC, GROUP, ++order, Width.LONG, "S3 endpoint")
                .define(S3_PATH_STYLE, Type.BOOLEAN, false,
                        Importance.LOW, S3_PATH_STYLE_DOC, GROUP, ++order, Width.SHORT, "S3 path-style access")
                .define(S3_CHECKSUM, Type.STRING, S3Checksum.CRC32C.name(),
                        ConfigDef.CaseInsensitiveValidString.in(S3Checksum.configNames()),
                        Importance.LOW, S3_CHECKSUM_DOC, GROUP, ++order, Width.SHORT, "S3 upload checksum")
                .define(AWS_ACCESS_KEY_ID, Type.STRING, null,
                        Importance.MEDIUM, AWS_ACCESS_KEY_ID_DOC, GROUP, ++order, Width.MEDIUM, "AWS access key id")
                .define(AWS_SECRET_ACCESS_KEY, Type.PASSWORD, null,
                        Importance.MEDIUM, AWS_SECRET_ACCESS_KEY_DOC, GROUP, ++order, Width.MEDIUM, "AWS secret access key")
                .define(FILESYSTEM_ROOT, Type.STRING, null, Validators.ABSOLUTE_PATH,
                        Importance.HIGH, FILESYSTEM_ROOT_DOC, GROUP, ++order, Width.LONG, "Filesystem root");
    }

    /**
     * Cross-key rules that a single key's validator cannot see. Messages are attached to the key at
     * fault so that the REST validate endpoint shows them next to it.
     */
    public static void validate(Map<String, String> props, Map<String, ConfigValue> results) {
        ConfigValue backendValue = results.get(BACKEND);
        if (backendValue == null || !backendValue.errorMessages().isEmpty()) {
            return;
        }
        StorageBackend backend = StorageBackend.fromConfigName(String.valueOf(backendValue.value()));
        if (backend == StorageBackend.S3) {
            if (isBlank(props.get(S3_BUCKET))) {
                addError(results, S3_BUCKET, S3_BUCKET + " is required when " + BACKEND + "=s3");
            }
            boolean hasId = !isBlank(props.get(AWS_ACCESS_KEY_ID));
            boolean hasSecret = !isBlank(props.get(AWS_SECRET_ACCESS_KEY));
            if (hasId && !hasSecret) {
                addError(results, AWS_SECRET_ACCESS_KEY, AWS_SECRET_ACCESS_KEY + " must be set together with "
                        + AWS_ACCESS_KEY_ID + " (or leave both empty to use the AWS default credentials chain)");
            } else if (hasSecret && !hasId) {
                addError(results, AWS_ACCESS_KEY_ID, AWS_ACCESS_KEY_ID + " must be set together with "
                        + AWS_SECRET_ACCESS_KEY + " (or leave both empty to use the AWS default credentials chain)");
            }
        } else if (backend == StorageBackend.FILESYSTEM) {
            if (isBlank(props.get(FILESYSTEM_ROOT))) {
                addError(results, FILESYSTEM_ROOT, FILESYSTEM_ROOT + " is required when " + BACKEND + "=filesystem");
            }
        }
    }

    private static void addError(Map<String, ConfigValue> results, String key, String message) {
        ExactCopyRules.addError(results, key, message);
    }

    public StorageBackend backend() {
        return backend;
    }

    /** The backup set's prefix, either empty or ending with '/'. */
    public String prefix() {
        return prefix;
    }

    public String bucket() {
        return bucket;
    }

    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    public boolean pathStyleAccess() {
        return pathStyle;
    }

    public S3Checksum checksum() {
        return checksum;
    }

    /** Static credentials, when both keys are set. */
    public Optional<StaticCredentials> staticCredentials() {
        if (accessKeyId == null || secretAccessKey == null || isBlank(secretAccessKey.value())) {
            return Optional.empty();
        }
        return Optional.of(new StaticCredentials(accessKeyId, secretAccessKey));
    }

    public Path filesystemRoot() {
        return filesystemRoot;
    }

    /** A static key pair; the secret stays a {@link Password} so that printing it shows [hidden]. */
    public record StaticCredentials(String accessKeyId, Password secretAccessKey) {
    }

    static String normalizePrefix(String raw) {
        if (raw == null) {
            return "";
        }
        String p = raw.trim();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? "" : p + "/";
    }

    private static String blankToNull(String s) {
        return isBlank(s) ? null : s.trim();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
