package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.core.storage.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The worker's validate endpoint ({@code PUT /connector-plugins/<class>/config/validate}) with the
 * plugins installed from their zips: good configs pass with no error; converters other than
 * ByteArrayConverter, a missing S3 bucket and a missing read_committed isolation level are each
 * rejected next to the key at fault, and so are what the store answers (a bucket that does not exist,
 * a wrong secret, a root that is a file), a restore selection the backup set does not hold and
 * producer overrides that would lose or reorder restored records; the repository's config examples
 * pass once their placeholders are filled in, and the S3-compatible ones pass against S3Proxy with
 * their credentials read by the worker's FileConfigProvider from a secrets file (a wrong secret in
 * that file is rejected, so the file is really read).
 */
class ConfigValidationIT {

    /** Where the S3-compatible examples read their credentials from; the test points them at its own file. */
    private static final String EXAMPLE_SECRETS = "/opt/connect-secrets/lifeboat.properties";

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension(Map.of(
            "config.providers", "file",
            "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider"));

    @TempDir
    static Path storeRoot;

    private Map<String, String> goodBackup() {
        return ConnectorConfigs.backup("validate-backup", List.of("orders"),
                ConnectorConfigs.filesystemStorage(storeRoot, "validation"));
    }

    private static S3ProxyServer s3;

    @BeforeAll
    static void backupSetsAndStore() throws Exception {
        for (String prefix : List.of("validation", "example")) {
            Path marker = storeRoot.resolve(prefix).resolve("partitions/orders/000000");
            Files.createDirectories(marker.getParent());
            Files.writeString(marker, "{}");
        }
        s3 = new S3ProxyServer().start();
        s3.createBucket("validation-bucket");
        s3.client().putObject(b -> b.bucket("validation-bucket").key("example/partitions/orders/000000"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("{}"));
    }

    @AfterAll
    static void stopStore() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    private Map<String, List<String>> errors(Map<String, String> config) {
        return ConnectorValidation.errors(KAFKA.connect(), config);
    }

    private Map<String, String> goodRestore() {
        return ConnectorConfigs.restore("validate-restore", KAFKA.bootstrapServers(),
                ConnectorConfigs.filesystemStorage(storeRoot, "validation"));
    }

    private static void assertOnlyError(Map<String, List<String>> errors, String key, String text) {
        assertEquals(List.of(key), List.copyOf(errors.keySet()), "errors: " + errors);
        assertTrue(errors.get(key).stream().anyMatch(m -> m.contains(text)), errors.toString());
    }

    @Test
    void goodBackupAndRestoreConfigsHaveNoErrors() {
        assertEquals(Map.of(), errors(goodBackup()));
        assertEquals(Map.of(), errors(goodRestore()));
    }

    @Test
    void jsonConverterIsRejectedNamingTheConverterKey() {
        Map<String, String> config = goodBackup();
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        Map<String, List<String>> errors = errors(config);
        assertTrue(errors.containsKey("value.converter"), "no error on value.converter: " + errors);
        assertTrue(errors.get("value.converter").stream().anyMatch(m -> m.contains("value.converter")
                && m.contains("ByteArrayConverter")), errors.get("value.converter").toString());
        assertEquals(List.of("value.converter"), List.copyOf(errors.keySet()), "only the converter is at fault");
    }

    @Test
    void s3WithoutBucketIsRejected() {
        Map<String, String> config = goodBackup();
        config.remove("filesystem.root");
        config.put("storage.backend", "s3");
        config.put("s3.region", "eu-west-1");
        Map<String, List<String>> errors = errors(config);
        assertTrue(errors.containsKey("s3.bucket.name"), "no error on s3.bucket.name: " + errors);
        assertTrue(errors.get("s3.bucket.name").stream().anyMatch(m -> m.contains("s3.bucket.name")), errors.toString());
    }

    @Test
    void storeAnswersAreShownOnTheKeyToFix() {
        Map<String, String> backup = goodBackup();
        backup.remove("filesystem.root");
        backup.putAll(s3.storageProps("validation-bucket"));
        assertEquals(Map.of(), errors(backup));

        backup.put("s3.bucket.name", "validation-bucket-typo");
        assertOnlyError(errors(backup), "s3.bucket.name", "validation-bucket-typo' does not exist");

        backup.put("s3.bucket.name", "validation-bucket");
        backup.put("aws.secret.access.key", "not-the-secret");
        assertOnlyError(errors(backup), "aws.secret.access.key", "does not belong to the access key id");

        Map<String, String> fileAsRoot = goodBackup();
        fileAsRoot.put("filesystem.root", storeRoot.resolve("validation/partitions/orders/000000").toString());
        assertOnlyError(errors(fileAsRoot), "filesystem.root", "is not a folder");
    }

    @Test
    void restoreSelectionIsCheckedAgainstTheBackupSet() {
        Map<String, String> empty = ConnectorConfigs.restore("validate-restore", KAFKA.bootstrapServers(),
                ConnectorConfigs.filesystemStorage(storeRoot, "nothing-here"));
        assertOnlyError(errors(empty), "storage.prefix", "No backed-up topics found");

        Map<String, String> unknownTopic = goodRestore();
        unknownTopic.put("restore.topics", "orders,invoices");
        assertOnlyError(errors(unknownTopic), "restore.topics", "[invoices]");

        Map<String, String> unusedRename = goodRestore();
        unusedRename.put("restore.topic.mapping", "payments:payments-restored");
        assertOnlyError(errors(unusedRename), "restore.topic.mapping", "[payments]");
    }

    @Test
    void missingReadCommittedIsolationIsRejected() {
        Map<String, String> config = goodBackup();
        config.remove("consumer.override.isolation.level");
        Map<String, List<String>> errors = errors(config);
        assertTrue(errors.containsKey("consumer.override.isolation.level"), "no error on the isolation level: " + errors);

        config.put("consumer.override.isolation.level", "read_uncommitted");
        assertTrue(errors(config).containsKey("consumer.override.isolation.level"), "read_uncommitted accepted");
    }

    /** The worker passes producer.override.* to the connector's validate(): unsafe ones are rejected there. */
    @Test
    void producerOverridesThatBreakTheRestoreAreRejected() {
        Map<String, String> acks = goodRestore();
        acks.put("producer.override.acks", "1");
        assertOnlyError(errors(acks), "producer.override.acks", "must be all (or -1), not 1");
        Map<String, String> unordered = goodRestore();
        unordered.put("producer.override.enable.idempotence", "false");
        unordered.put("producer.override.max.in.flight.requests.per.connection", "5");
        assertOnlyError(errors(unordered), "producer.override.enable.idempotence", "reorder");
        Map<String, String> safe = goodRestore();
        safe.put("producer.override.enable.idempotence", "true");
        safe.put("producer.override.max.in.flight.requests.per.connection", "5");
        assertEquals(Map.of(), errors(safe));
    }

    @Test
    void transformsAreRejected() {
        Map<String, String> config = goodBackup();
        config.put("transforms", "mask");
        config.put("transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value");
        config.put("transforms.mask.fields", "secret");
        assertTrue(errors(config).containsKey("transforms"), "transforms accepted: " + errors(config));
    }

    @Test
    void configExamplesValidateOnceTheirPlaceholdersAreFilledIn() throws Exception {
        assumeTrue(Files.isDirectory(ConfigExamples.folder()),
                "no config-examples folder at " + ConfigExamples.folder().toAbsolutePath());
        List<Path> files = ConfigExamples.files();
        assertFalse(files.isEmpty(), "config-examples holds no .json file");
        Map<String, String> real = Map.of(
                "filesystem.root", storeRoot.toAbsolutePath().toString(),
                "s3.bucket.name", "lifeboat-example-backups",
                "s3.endpoint.url", "http://127.0.0.1:9000",
                "target.cluster.bootstrap.servers", KAFKA.bootstrapServers(),
                "source.cluster.bootstrap.servers", KAFKA.bootstrapServers(),
                "restore.end.time", "2026-12-02T14:02:00Z",
                "restore.topic.mapping", "orders:orders_before_deploy");
        List<String> failures = new ArrayList<>();
        for (Path file : files) {
            Map<String, String> config = ConfigExamples.substitute(ConfigExamples.read(file), real);
            Map<String, List<String>> errors = errors(config);
            if (!errors.isEmpty()) {
                failures.add(file.getFileName() + ": " + errors);
            }
        }
        assertEquals(List.of(), failures, "config examples with validation errors");
    }

    @Test
    void s3CompatibleExamplesValidateWithCredentialsFromAFileProvider() throws Exception {
        Path secrets = storeRoot.resolve("lifeboat.properties");
        List<Path> examples = List.of(ConfigExamples.folder().resolve("backup-s3-compatible.json"),
                ConfigExamples.folder().resolve("restore-s3-compatible.json"));
        Map<String, String> real = Map.of(
                "s3.bucket.name", "validation-bucket",
                "s3.endpoint.url", s3.endpoint().toString(),
                "target.cluster.bootstrap.servers", KAFKA.bootstrapServers(),
                "source.cluster.bootstrap.servers", KAFKA.bootstrapServers());

        Files.writeString(secrets, "aws.access.key.id=" + s3.accessKey() + "\naws.secret.access.key=" + s3.secretKey()
                + "\n");
        for (Path example : examples) {
            Map<String, String> config = withSecretsFile(ConfigExamples.read(example), secrets, real);
            assertEquals("${file:" + secrets + ":aws.secret.access.key}", config.get("aws.secret.access.key"));
            assertEquals(Map.of(), errors(config), example.getFileName().toString());
        }

        Files.writeString(secrets, "aws.access.key.id=" + s3.accessKey() + "\naws.secret.access.key=not-the-secret\n");
        Map<String, String> wrong = withSecretsFile(ConfigExamples.read(examples.get(0)), secrets, real);
        assertOnlyError(errors(wrong), "aws.secret.access.key", "does not belong to the access key id");
    }

    /** The example with its ${file:...} references pointed at {@code secrets} and its placeholders filled in. */
    private static Map<String, String> withSecretsFile(Map<String, String> example, Path secrets,
                                                       Map<String, String> real) {
        Map<String, String> references = new java.util.HashMap<>();
        example.forEach((key, value) -> {
            if (value.startsWith("${file:" + EXAMPLE_SECRETS + ":")) {
                references.put(key, value.replace(EXAMPLE_SECRETS, secrets.toString()));
            }
        });
        assertEquals(java.util.Set.of("aws.access.key.id", "aws.secret.access.key"), references.keySet(),
                "the example reads both keys from " + EXAMPLE_SECRETS);
        Map<String, String> filled = new java.util.HashMap<>(real);
        filled.putAll(references);
        return ConfigExamples.substitute(example, filled);
    }
}
