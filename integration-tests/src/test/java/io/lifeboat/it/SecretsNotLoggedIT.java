package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.core.storage.S3ProxyServer;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The S3 secret access key (also given as the source cluster's admin password) never reaches a log line, the console or the REST API's answers, while a
 * backup and a restore with static keys are created, run and deleted. Everything logged meanwhile is
 * captured (Kafka and Connect at INFO, Lifeboat at DEBUG), and the capture is checked to have seen the
 * connectors' own lines and their masked config dumps, so that the check can fail. Only the test's REST
 * client (Kafka's EmbeddedConnect, which logs the request and response bodies it handles) is left out.
 */
class SecretsNotLoggedIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String TOPIC = "secrets.orders";
    private static final String BUCKET = "lifeboat-secrets";
    private static final String HARNESS_CLIENT = "org.apache.kafka.connect.util.clusters";

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    private static S3ProxyServer s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = new S3ProxyServer().start();
        s3.createBucket(BUCKET);
        KAFKA.connect().admin().createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        SampleData.awaitLeaders(KAFKA.connect().admin(), List.of(TOPIC));
        for (int i = 0; i < 50; i++) {
            KAFKA.connect().cluster().kafka().produce(TOPIC, i % 2, "key-" + i, "value-" + i);
        }
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void secretAccessKeyIsNeverLoggedPrintedOrReturned() throws Exception {
        String secret = s3.secretKey();
        assertTrue(secret.length() > 30, "the secret must be distinctive: " + secret.length() + " chars");
        Map<String, String> storage = s3.storageProps(BUCKET);
        Map<String, String> backup = ConnectorConfigs.backup("secrets-backup", List.of(TOPIC), storage);
        // the metadata snapshots' admin client gets its settings from source.cluster.*, passwords included
        // (ignored by a PLAINTEXT client, but dumped, masked, with its config)
        backup.put("source.cluster.bootstrap.servers", KAFKA.bootstrapServers());
        backup.put("source.cluster.ssl.key.password", secret);
        Map<String, String> restore = ConnectorConfigs.restore("secrets-restore", KAFKA.bootstrapServers(), storage);
        restore.put("restore.topic.mapping", TOPIC + ":" + TOPIC + ".restored");
        TopicSnapshot original = TopicSnapshot.read(KAFKA.bootstrapServers(), TOPIC, TIMEOUT);

        List<String> answers;
        List<String> lines;
        String console;
        try (LogCapture capture = LogCapture.start(Map.of(
                "kafka", Level.INFO, "org.apache.kafka", Level.INFO, "io.lifeboat", Level.DEBUG,
                "software.amazon.awssdk", Level.INFO, "org.apache.http", Level.INFO,
                // The test's own REST client logs the bodies it PUTs and gets back; Connect echoes a config
                // as it was given (users keep secrets out of it with config providers). Not the product.
                HARNESS_CLIENT, Level.WARN))) {
            String validation = ConnectorValidation.validate(KAFKA.connect(), backup).toString();
            KAFKA.configure(backup);
            KAFKA.progress().awaitBackupCaughtUp("secrets-backup", List.of(original), TIMEOUT);
            String backupStatus = KAFKA.connect().cluster().connectorStatus("secrets-backup").toString();
            KAFKA.progress().deleteConnector("secrets-backup", TIMEOUT);

            KAFKA.configure(restore);
            KAFKA.restores().awaitComplete("secrets-restore", List.of(original), Map.of(TOPIC, TOPIC + ".restored"),
                    TIMEOUT);
            String restoreStatus = KAFKA.connect().cluster().connectorStatus("secrets-restore").toString();
            String offsets = KAFKA.restores().sourceOffsets("secrets-restore").toString();
            KAFKA.progress().deleteConnector("secrets-restore", TIMEOUT);
            answers = List.of(validation, backupStatus, restoreStatus, offsets);
            lines = capture.lines();
            console = capture.console();
        }

        assertTrue(lines.size() > 20, "the capture saw too few log lines to mean anything: " + lines.size());
        assertTrue(lines.stream().anyMatch(l -> l.contains(" io.lifeboat.")),
                "the capture saw no line logged by Lifeboat's own classes");
        assertTrue(lines.stream().anyMatch(l -> l.contains("aws.secret.access.key = [hidden]")),
                "the capture saw no config dump with the masked secret key");
        assertTrue(lines.stream().anyMatch(l -> l.contains("ssl.key.password = [hidden]")),
                "the capture saw no admin client config dump of the metadata snapshots with the masked password");
        assertTrue(lines.stream().anyMatch(l -> l.contains("Metadata snapshot ") && l.contains("(final)")),
                "the capture saw no metadata snapshot of the backup");
        assertTrue(answers.get(0).contains("[hidden]"), "the validate answer masks the secret: " + answers.get(0));
        String uuidPart = secret.substring(secret.length() - 36);
        for (String line : lines) {
            if (line.contains(secret) || line.contains(uuidPart)) {
                fail("a log line holds the secret access key:\n" + line);
            }
        }
        assertFalse(console.contains(secret) || console.contains(uuidPart), "the console shows the secret access key");
        for (String answer : answers) {
            assertFalse(answer.contains(secret), "a REST answer holds the secret access key: " + answer);
        }
    }
}
