package io.lifeboat.backup;

import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.storage.FaultyBlobStore;
import io.lifeboat.core.storage.ForwardingStore;
import io.lifeboat.core.storage.S3ObjectStore;
import io.lifeboat.core.storage.S3ProxyServer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the backup task does with the store's answers, against S3Proxy answering real S3 errors over
 * HTTP: a permanent one (403 AccessDenied, a rejected checksum) fails the task naming the key to fix;
 * 503s, a checksum that did not match and a host that stops resolving are retried with a growing backoff
 * until the store answers again.
 */
class BackupStoreFailuresTest {

    private static final String BUCKET = "lifeboat-backup-faults";
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final FaultyBlobStore.Faults faults = new FaultyBlobStore.Faults();
    private static S3ProxyServer server;

    @TempDir
    Path spool;

    private final List<BackupSinkTask> tasks = new ArrayList<>();
    private final RecordingSinkTaskContext context = new RecordingSinkTaskContext();
    private String prefix;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3ProxyServer(blobStore -> new FaultyBlobStore(blobStore, faults)).start();
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void reset() {
        faults.reset();
        prefix = "set-" + UUID.randomUUID() + "/";
    }

    @AfterEach
    void stopTasks() {
        tasks.forEach(BackupSinkTask::stop);
    }

    private Map<String, String> props(String... extra) {
        Map<String, String> props = server.storageProps(BUCKET);
        props.put(StorageConfig.PREFIX, prefix);
        props.put("spool.dir", spool.toString());
        props.put("segment.max.records", "3");
        props.put("name", "faults");
        for (int i = 0; i < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        return props;
    }

    private BackupSinkTask startTask(Map<String, String> props) {
        // a client that retries once instead of nine times keeps the test short; the answers are the same
        BackupSinkTask task = new BackupSinkTask(Time.SYSTEM, S3ObjectStore::createForCheck,
                S3ObjectStore::createForCheck);
        tasks.add(task);
        task.initialize(context);
        task.start(props);
        task.open(List.of(P0));
        return task;
    }

    private static List<SinkRecord> records(long from, long toInclusive) {
        List<SinkRecord> out = new ArrayList<>();
        for (long o = from; o <= toInclusive; o++) {
            out.add(new SinkRecord(P0.topic(), P0.partition(), Schema.OPTIONAL_BYTES_SCHEMA, new byte[]{(byte) o},
                    Schema.OPTIONAL_BYTES_SCHEMA, new byte[]{(byte) o}, o, 1_700_000_000_000L + o,
                    TimestampType.CREATE_TIME));
        }
        return out;
    }

    private List<String> keys(String under) {
        return server.client().listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix + under)).contents()
                .stream().map(S3Object::key).toList();
    }

    @Test
    void aPartitionResumingAfterARebalanceAsksS3ForTheKeysAfterABoundOnly() {
        BackupSinkTask first = startTask(props("segment.max.records", "100"));
        first.put(records(0, 4_999));
        assertTrue(first.awaitUploads(60_000));
        first.put(List.of());
        assertEquals(5_000L, first.preCommit(Map.of()).get(P0).offset()); // the high-water mark: 4999
        first.close(List.of(P0));

        List<ForwardingStore> stores = new ArrayList<>();
        BackupSinkTask second = new BackupSinkTask(Time.SYSTEM, config -> {
            ForwardingStore store = new ForwardingStore(S3ObjectStore.createForCheck(config));
            stores.add(store);
            return store;
        }, S3ObjectStore::createForCheck);
        tasks.add(second);
        second.initialize(context);
        second.start(props("segment.max.records", "100"));
        second.open(List.of(P0));
        second.put(records(5_000, 5_009));
        assertEquals(Map.of(P0, 4_999L), context.takeOffsets());

        String folder = prefix + "segments/orders/000000/";
        assertEquals(List.of(new ForwardingStore.Listing(folder, folder + String.format("%020d", 4_999 - 1_024), 10)),
                stores.get(0).takeListings().stream().filter(l -> l.prefix().equals(folder)).toList(),
                "S3 answered the 10 keys after the start-after key, not the 50 of the partition");
    }

    @Test
    void anUploadDeniedByTheStoreFailsTheTaskNamingThePermissionAndTheKey() {
        BackupSinkTask task = startTask(props());
        faults.denyPutsUnder = prefix + "segments/";

        task.put(records(0, 2)); // the full segment is sealed; its upload is denied in the background
        assertTrue(task.awaitUploads(10_000), "a denied upload ends the uploads at once");
        ConnectException e = assertThrows(ConnectException.class, () -> task.put(List.of()));
        assertEquals(0L, task.preCommit(Map.of()).get(P0).offset(), "nothing is claimed");

        assertFalse(e instanceof RetriableException, "a denied upload does not heal by waiting: " + e);
        assertTrue(e.getMessage().contains("403 AccessDenied"), e.getMessage());
        assertTrue(e.getMessage().contains("s3:PutObject"), e.getMessage());
        assertTrue(e.getMessage().contains("fix " + StorageConfig.S3_BUCKET), e.getMessage());
        assertEquals(List.of(), keys("segments/"));
    }

    @Test
    void aTaskWithoutWritePermissionFailsAtStartAndLeavesNoProbe() {
        faults.denyPutsUnder = prefix;

        ConnectException e = assertThrows(ConnectException.class, () -> startTask(props()));

        assertTrue(e.getMessage().contains("403 AccessDenied") && e.getMessage().contains("s3:PutObject"),
                e.getMessage());
        assertTrue(e.getMessage().contains(prefix + "_lifeboat/write-check/faults-0"), e.getMessage());
    }

    @Test
    void theWriteProbeIsRemovedAfterAGoodStart() {
        startTask(props());

        assertEquals(List.of(), keys("_lifeboat/"));
    }

    @Test
    void unavailableUploadsAreRetriedWithAGrowingBackoffThenSucceed() {
        BackupSinkTask task = startTask(props());
        faults.failingPuts.set(4); // two uploads of two attempts each fail; the third upload succeeds

        long start = System.nanoTime();
        task.put(records(0, 2));
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "put() does not wait for the store");
        assertEquals(0L, task.preCommit(Map.of()).get(P0).offset(), "nothing is committed before the upload succeeds");
        assertTrue(task.awaitUploads(20_000));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waitedMs >= 3_000, "the uploader waited 1 s, then 2 s, before its third try: " + waitedMs + " ms");
        task.put(List.of());
        assertEquals(1, keys("segments/").size());
        assertEquals(3L, task.preCommit(Map.of()).get(P0).offset());
    }

    @Test
    void aChecksumMismatchOnAnUploadIsRetriedThenSucceeds() {
        BackupSinkTask task = startTask(props());
        faults.failingPuts.set(1);
        faults.putError = FaultyBlobStore.answer(400, "BadDigest",
                "The CRC32C you specified did not match the calculated checksum.");

        task.put(records(0, 2));
        assertTrue(task.awaitUploads(20_000), "the uploader tries again after its backoff");
        task.put(List.of());
        assertEquals(1, keys("segments/").size());
        assertEquals(3L, task.preCommit(Map.of()).get(P0).offset());
    }

    @Test
    void aStoreThatAnswersEveryUploadWithAChecksumMismatchFailsTheStartNamingTheChecksumKey() {
        faults.failingPuts.set(1_000);
        faults.putError = FaultyBlobStore.answer(400, "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.");

        ConnectException e = assertThrows(ConnectException.class, () -> startTask(props()));

        assertFalse(e instanceof RetriableException, e.toString());
        assertTrue(e.getMessage().contains("set " + StorageConfig.S3_CHECKSUM + " to NONE")
                && e.getMessage().contains("write-check"), e.getMessage());
    }

    @Test
    void aHostThatStopsResolvingInARunningBackupIsRetriedNotFatal() {
        Map<String, String> props = props();
        Map<String, String> unresolvable = new java.util.HashMap<>(props);
        unresolvable.put(StorageConfig.S3_ENDPOINT, "http://no-such-host.invalid:9000");
        // the start-time check still reaches the store; the name stops resolving afterwards
        BackupSinkTask task = new BackupSinkTask(Time.SYSTEM, config -> S3ObjectStore.createForCheck(
                new StorageConfig(new AbstractConfig(StorageConfig.define(new ConfigDef()), unresolvable))),
                S3ObjectStore::createForCheck);
        tasks.add(task);
        task.initialize(context);
        task.start(props);
        task.open(List.of(P0));

        RetriableException e = assertThrows(RetriableException.class, () -> task.put(records(0, 2)));

        assertTrue(e.getMessage().contains("no-such-host.invalid")
                && e.getMessage().contains("check " + StorageConfig.S3_ENDPOINT), e.getMessage());
        assertEquals(1_000L, context.lastTimeout);
    }

    @Test
    void aHostThatDoesNotResolveAtTheStartCheckIsWaitedOutNotFatal() {
        Map<String, String> props = props();
        Map<String, String> unresolvable = new java.util.HashMap<>(props);
        unresolvable.put(StorageConfig.S3_ENDPOINT, "http://no-such-host.invalid:9000");
        // the name does not resolve while the task starts (a DNS blip); it does again for the records
        BackupSinkTask task = new BackupSinkTask(Time.SYSTEM, S3ObjectStore::create, config ->
                S3ObjectStore.createForCheck(new StorageConfig(new AbstractConfig(StorageConfig.define(new ConfigDef()),
                        unresolvable))));
        tasks.add(task);
        task.initialize(context);
        task.start(props);
        task.open(List.of(P0));

        task.put(records(0, 2));
        assertTrue(task.awaitUploads(20_000));
        assertEquals(1, keys("segments/").size(), "the records reach the store once the name resolves");
    }
}
