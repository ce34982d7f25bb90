package io.lifeboat.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.Main;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.FaultyBlobStore;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.S3ProxyServer;
import io.lifeboat.core.storage.StoredObject;
import io.lifeboat.harness.Await;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lifeboat status} against a Connect cluster reached only through its REST URL and a bootstrap
 * address: a healthy backup (every partition durable, RPO 0, the metadata snapshot), a backup whose
 * store stalls (uploads refused: records wait, the RPO grows, the partition is BEHIND), and a restore
 * whose task failed on a damaged segment (the task's error, exit 1).
 */
class StatusIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String BUCKET = "status-backups";
    private static final FaultyBlobStore.Faults faults = new FaultyBlobStore.Faults();

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    static Path storeRoot;

    private static S3ProxyServer s3;

    @BeforeAll
    static void startStore() throws Exception {
        s3 = new S3ProxyServer(blobStore -> new FaultyBlobStore(blobStore, faults)).start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopStore() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    /** What one run of the command printed and returned. */
    private record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    private static Run status(String... more) {
        List<String> argv = new ArrayList<>(List.of("status", "--connect", KAFKA.connect().restUrl(),
                "--bootstrap", KAFKA.bootstrapServers()));
        argv.addAll(List.of(more));
        return run(argv.toArray(String[]::new));
    }

    private static Run run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode connector(JsonNode report, String name) {
        for (JsonNode connector : report.path("connectors")) {
            if (connector.path("name").asText().equals(name)) {
                return connector;
            }
        }
        throw new AssertionError("no connector " + name + " in " + report);
    }

    @Test
    void aHealthyBackupHasEveryPartitionDurableAndItsMetadataSnapshot() throws Exception {
        KAFKA.writeRecords("status.orders", 3, 90, 100);
        Map<String, String> backup = ConnectorConfigs.backup("status-healthy", List.of("status.orders"),
                ConnectorConfigs.filesystemStorage(storeRoot, "healthy"));
        backup.put("segment.max.age.ms", "1000");
        backup.put("source.cluster.bootstrap.servers", KAFKA.bootstrapServers());
        KAFKA.configure(backup);
        try {
            Map<TopicPartition, Long> ends = ends("status.orders", 3);
            KAFKA.progress().awaitCommitted("status-healthy", ends, TIMEOUT);
            Await.condition("a metadata snapshot of the backup", TIMEOUT,
                    () -> status("--connector", "status-healthy", "--json").json().toString().contains("newest snapshot"),
                    () -> "none yet");

            Run run = status("--connector", "status-healthy", "--json");
            assertEquals(0, run.code(), run.out() + run.err());
            JsonNode healthy = connector(run.json(), "status-healthy");
            assertEquals("backup", healthy.path("kind").asText());
            assertEquals("RUNNING", healthy.path("state").asText());
            assertEquals(3, healthy.path("partitions").size(), healthy.toString());
            for (JsonNode partition : healthy.path("partitions")) {
                TopicPartition tp = new TopicPartition("status.orders", partition.path("partition").asInt());
                assertEquals((long) ends.get(tp), partition.path("endOffset").asLong(), partition.toString());
                assertEquals((long) ends.get(tp), partition.path("durableOffset").asLong(), partition.toString());
                assertEquals(0, partition.path("lagRecords").asLong(), partition.toString());
                assertEquals(0, partition.path("rpoMillis").asLong(), partition.toString());
                assertTrue(partition.path("newestDurableTimestamp").asLong() > 0, partition.toString());
            }
            assertTrue(healthy.path("problems").isEmpty(), healthy.toString());

            Run text = status("--connector", "status-healthy");
            assertEquals(0, text.code());
            assertTrue(text.out().contains("backup status-healthy: RUNNING"), text.out());
            assertTrue(text.out().contains("status.orders-2") && text.out().contains("0 (all durable)"), text.out());
            assertTrue(text.out().strip().endsWith("HEALTHY"), text.out());
        } finally {
            KAFKA.progress().deleteConnector("status-healthy", TIMEOUT);
        }
    }

    /** A backed-up topic that is gone from the cluster is a problem of its own; the others are still measured. */
    @Test
    void aBackedUpTopicMissingFromTheClusterIsNamedAndTheOthersAreMeasured() throws Exception {
        KAFKA.writeRecords("status.kept", 2, 20, 100);
        Map<String, String> backup = ConnectorConfigs.backup("status-missing", List.of("status.kept", "status.gone"),
                ConnectorConfigs.filesystemStorage(storeRoot, "missing"));
        backup.put("segment.max.age.ms", "1000");
        KAFKA.configure(backup);
        try {
            Map<TopicPartition, Long> ends = ends("status.kept", 2);
            KAFKA.progress().awaitCommitted("status-missing", ends, TIMEOUT);

            Run run = status("--connector", "status-missing", "--json");
            assertEquals(1, run.code(), "a problem, not an unreachable cluster: " + run.out() + run.err());
            JsonNode health = connector(run.json(), "status-missing");
            assertEquals(2, health.path("partitions").size(), health.toString());
            for (JsonNode partition : health.path("partitions")) {
                assertEquals("status.kept", partition.path("topic").asText(), partition.toString());
                assertEquals(0, partition.path("lagRecords").asLong(), partition.toString());
            }
            assertTrue(health.path("problems").toString().contains("MISSING topic status.gone"), health.toString());
        } finally {
            KAFKA.progress().deleteConnector("status-missing", TIMEOUT);
        }
    }

    @Test
    void aStalledStoreLeavesRecordsWaitingAndThePartitionBehind() throws Exception {
        KAFKA.writeRecords("status.stalled", 1, 20, 100);
        Map<String, String> storage = s3.storageProps(BUCKET);
        storage.put("storage.prefix", "stalled");
        Map<String, String> backup = ConnectorConfigs.backup("status-stalled", List.of("status.stalled"), storage);
        backup.put("segment.max.age.ms", "500");
        KAFKA.configure(backup);
        Path storeConfig = Files.createTempFile(storeRoot, "s3-", ".properties");
        StringBuilder props = new StringBuilder();
        storage.forEach((key, value) -> props.append(key).append('=').append(value).append('\n'));
        Files.writeString(storeConfig, props.toString());
        try {
            KAFKA.progress().awaitCommitted("status-stalled", ends("status.stalled", 1), TIMEOUT);
            Run own = status("--connector", "status-stalled"); // the connector's own store settings
            assertEquals(0, own.code(), own.out() + own.err());
            assertTrue(own.out().contains("s3://" + BUCKET + " prefix 'stalled/'"), own.out());
            assertFalse(own.out().contains(s3.secretKey()), "the secret key is never printed");
            Run given = status("--connector", "status-stalled", "--store-config", storeConfig.toString());
            assertEquals(0, given.code(), given.out() + given.err());

            faults.failingPuts.set(Integer.MAX_VALUE);
            KAFKA.writeRecords("status.stalled", 1, 20, 100); // the topic exists: 20 more records
            Await.condition("the stalled backup's partition to be BEHIND", TIMEOUT, () -> {
                Run run = status("--connector", "status-stalled", "--store-config", storeConfig.toString(),
                        "--max-rpo", "1", "--json");
                return run.code() == 1 && run.out().contains("BEHIND status.stalled-0");
            }, () -> "not yet");
            Run behind = status("--connector", "status-stalled", "--store-config", storeConfig.toString(),
                    "--max-rpo", "1", "--json");
            JsonNode partition = connector(behind.json(), "status-stalled").path("partitions").get(0);
            assertEquals(20, partition.path("lagRecords").asLong(), partition.toString());
            assertTrue(partition.path("rpoMillis").asLong() > 1_000, partition.toString());
            assertEquals("RUNNING", connector(behind.json(), "status-stalled").path("state").asText(),
                    "a store that refuses uploads for now is retried, not a failed task");
            assertFalse(behind.out().contains(s3.secretKey()), "the secret key is never printed");
        } finally {
            faults.reset();
            KAFKA.progress().deleteConnector("status-stalled", TIMEOUT);
        }
    }

    @Test
    void aFailedRestoreTaskIsAProblemWithItsError() throws Exception {
        KAFKA.writeRecords("status.damaged", 1, 30, 100);
        Map<String, String> storage = ConnectorConfigs.filesystemStorage(storeRoot, "damaged");
        Map<String, String> backup = ConnectorConfigs.backup("status-damaged-backup", List.of("status.damaged"), storage);
        backup.put("segment.max.records", "10");
        KAFKA.configure(backup);
        KAFKA.progress().awaitCommitted("status-damaged-backup", ends("status.damaged", 1), TIMEOUT);
        KAFKA.progress().deleteConnector("status-damaged-backup", TIMEOUT);
        String key = firstSegmentKey("damaged", "status.damaged");
        SegmentDamage.flipByteInData(storeRoot.resolve(key), key);

        Map<String, String> restore = ConnectorConfigs.restore("status-restore", KAFKA.bootstrapServers(), storage);
        restore.put("restore.topic.mapping", "status.damaged:status.damaged.restored");
        KAFKA.configure(restore);
        try {
            KAFKA.progress().awaitTaskFailure("status-restore", TIMEOUT);
            Run run = status("--connector", "status-restore", "--json");
            assertEquals(1, run.code(), run.out() + run.err());
            JsonNode failed = connector(run.json(), "status-restore");
            assertEquals("restore", failed.path("kind").asText());
            assertEquals("FAILED", failed.path("tasks").get(0).path("state").asText(), failed.toString());
            assertTrue(failed.path("tasks").get(0).path("error").asText().contains(key), failed.toString());
            assertTrue(failed.path("problems").get(0).asText().startsWith("task 0 of status-restore is FAILED"),
                    failed.toString());
        } finally {
            KAFKA.progress().deleteConnector("status-restore", TIMEOUT);
        }
    }

    @Test
    void anUnreachableConnectClusterIsAnEnvironmentFailure() {
        Run run = run("status", "--connect", "http://127.0.0.1:1", "--bootstrap", KAFKA.bootstrapServers());
        assertEquals(3, run.code(), run.out() + run.err());
        assertTrue(run.err().contains("lifeboat status failed") && run.err().contains("cannot reach the Connect REST "
                + "API at http://127.0.0.1:1/"), run.err());
    }

    private static Map<TopicPartition, Long> ends(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        KAFKA.connect().admin().listOffsets(request).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    private static String firstSegmentKey(String prefix, String topic) throws Exception {
        BackupLayout layout = new BackupLayout(prefix + "/");
        try (FilesystemObjectStore store = new FilesystemObjectStore(storeRoot)) {
            return store.list(layout.segmentsPrefix(new TopicPartition(topic, 0))).stream().map(StoredObject::key)
                    .filter(k -> layout.parseSegmentKey(k).map(SegmentDescriptor::firstOffset).orElse(-1L) == 0)
                    .findFirst().orElseThrow();
        }
    }
}
