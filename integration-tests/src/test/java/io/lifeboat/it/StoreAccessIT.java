package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.core.storage.FaultyBlobStore;
import io.lifeboat.core.storage.S3ProxyServer;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backup whose credentials may list the bucket but not write to it, through a real Connect worker
 * with the plugins installed from their zips and S3Proxy answering 403 AccessDenied as S3 does: the
 * task FAILS (instead of retrying forever while RUNNING), and its trace carries the store's answer,
 * the missing permission and the key to fix. Denied segments only: it fails with the first upload;
 * denied everywhere under the prefix: it fails at start, at its write probe.
 */
class StoreAccessIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String BUCKET = "lifeboat-access";
    private static final FaultyBlobStore.Faults faults = new FaultyBlobStore.Faults();

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

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

    @Test
    void aDeniedSegmentUploadFailsTheTaskNamingThePermissionAndTheKey() throws Exception {
        faults.denyPutsUnder = "no-put/segments/";
        writeRecords("access.segments", 20);
        String trace = failedBackup("access-segments", "access.segments", "no-put");

        assertTrue(trace.contains("ConnectException") && !trace.contains("RetriableException"), trace);
        assertTrue(trace.contains("no-put/segments/access.segments/000000/"), "names the object:\n" + trace);
        assertTrue(trace.contains("fix s3.bucket.name"), trace);
    }

    @Test
    void aPrefixWithoutWritePermissionFailsTheTaskAtStart() throws Exception {
        faults.denyPutsUnder = "read-only/";
        writeRecords("access.start", 1);
        String trace = failedBackup("access-start", "access.start", "read-only");

        assertTrue(trace.contains("read-only/_lifeboat/write-check/access-start-0"), "names the probe:\n" + trace);
        assertEquals(List.of(), s3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix("read-only/")).contents()
                .stream().map(S3Object::key).toList());
    }

    private String failedBackup(String name, String topic, String prefix) throws Exception {
        Map<String, String> storage = s3.storageProps(BUCKET);
        storage.put("storage.prefix", prefix);
        Map<String, String> backup = ConnectorConfigs.backup(name, List.of(topic), storage);
        backup.put("segment.max.records", "5");
        KAFKA.configure(backup);
        try {
            String trace = KAFKA.progress().awaitTaskFailure(name, TIMEOUT);
            assertTrue(trace.contains("403 AccessDenied"), "the store's answer:\n" + trace);
            assertTrue(trace.contains("s3:PutObject"), "the missing permission:\n" + trace);
            return trace;
        } finally {
            KAFKA.progress().deleteConnector(name, TIMEOUT);
        }
    }

    private static void writeRecords(String topic, int count) throws Exception {
        KAFKA.connect().admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        SampleData.awaitLeaders(KAFKA.connect().admin(), List.of(topic));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        ("value-" + i).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        }
    }
}
