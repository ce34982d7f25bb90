package io.lifeboat.core.storage;

import io.lifeboat.core.config.StorageConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared contract against S3Proxy, through the store that production builds from a config. */
class S3ObjectStoreIT extends ObjectStoreContract {

    private static final String BUCKET = "lifeboat-store-it";
    private static final FaultyBlobStore.Faults faults = new FaultyBlobStore.Faults();
    private static S3ProxyServer server;

    private String base;
    private S3ObjectStore store;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3ProxyServer(blobStore -> new FaultyBlobStore(blobStore, faults)).start();
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openStore() {
        faults.reset();
        base = "test-" + UUID.randomUUID() + "/";
        store = S3ObjectStore.create(config(server.storageProps(BUCKET)));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Override
    protected String base() {
        return base;
    }

    @Test
    void accessCheckNamesTheKeyToFix() {
        assertAccessFailure(Map.of(StorageConfig.S3_BUCKET, "no-such-bucket"), StorageConfig.S3_BUCKET,
                "does not exist");
        assertAccessFailure(Map.of(StorageConfig.AWS_SECRET_ACCESS_KEY, "wrong-secret"),
                StorageConfig.AWS_SECRET_ACCESS_KEY, "secret access key");
        assertAccessFailure(Map.of(StorageConfig.AWS_ACCESS_KEY_ID, "unknown-key"), StorageConfig.AWS_ACCESS_KEY_ID,
                "access key");
    }

    @Test
    void unreachableStoreIsNotBlamedOnASetting() throws IOException {
        Map<String, String> props = new java.util.HashMap<>(server.storageProps(BUCKET));
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            props.put(StorageConfig.S3_ENDPOINT, "http://127.0.0.1:" + closed.getLocalPort());
        }
        try (S3ObjectStore unreachable = S3ObjectStore.createForCheck(config(props))) {
            IOException e = assertThrows(IOException.class, () -> unreachable.checkAccess(base, ObjectStore.Access.READ));
            assertFalse(e instanceof StoreAccessException, "an unreachable store is not a wrong setting: " + e);
        }
    }

    @Test
    void storeThatKeepsAnsweringUnavailableIsNotBlamedOnASetting() {
        faults.failingLists.set(5); // more than the check client's two attempts
        try (S3ObjectStore busy = S3ObjectStore.createForCheck(config(server.storageProps(BUCKET)))) {
            IOException e = assertThrows(IOException.class, () -> busy.checkAccess(base, ObjectStore.Access.READ));
            assertFalse(e instanceof StoreAccessException, "a 503 is not a wrong setting: " + e);
            assertTrue(e.getMessage().contains("503"), e.getMessage());
        }
    }

    private void assertAccessFailure(Map<String, String> change, String expectedKey, String expectedText) {
        Map<String, String> props = new java.util.HashMap<>(server.storageProps(BUCKET));
        props.putAll(change);
        try (S3ObjectStore wrong = S3ObjectStore.createForCheck(config(props))) {
            StoreAccessException e = assertThrows(StoreAccessException.class, () -> wrong.checkAccess(base, ObjectStore.Access.READ));
            assertEquals(expectedKey, e.configKey(), e.getMessage());
            assertTrue(e.getMessage().contains(expectedText), e.getMessage());
            assertFalse(e.getMessage().contains(server.secretKey()), "the secret leaked: " + e.getMessage());
        }
    }

    static StorageConfig config(Map<String, String> props) {
        return new StorageConfig(new AbstractConfig(StorageConfig.define(new ConfigDef()), props));
    }

    @Test
    void aWrongSecretFailsWithoutRevealingIt() {
        String wrongSecret = "wrong-secret-" + UUID.randomUUID();
        Map<String, String> props = server.storageProps(BUCKET);
        props.put(StorageConfig.AWS_SECRET_ACCESS_KEY, wrongSecret);
        try (S3ObjectStore wrong = S3ObjectStore.create(config(props))) {
            IOException e = assertThrows(IOException.class, () -> wrong.list(base));
            String message = e.getMessage();
            assertTrue(message.contains("list") && message.contains(BUCKET) && message.contains(base), message);
            assertFalse(message.contains(wrongSecret), message);
            assertFalse(message.contains(server.secretKey()), message);
            assertFalse(wrong.toString().contains(wrongSecret));
        }
    }

    @Test
    void theFactoryOpensAnS3StoreAndFallsBackToUsEast1WithAnEndpoint() throws IOException {
        Map<String, String> props = server.storageProps(BUCKET);
        props.remove(StorageConfig.S3_REGION);
        try (ObjectStore opened = ObjectStores.open(config(props))) {
            assertInstanceOf(S3ObjectStore.class, opened);
            assertEquals("s3://" + BUCKET, opened.describe());
            opened.put(base + "via-factory", new byte[3]);
            assertEquals(List.of(new StoredObject(base + "via-factory", 3)), opened.list(base));
        }
    }

    @Test
    void aMissingBucketIsAnErrorNotAMissingObject() {
        Map<String, String> props = server.storageProps("no-such-bucket");
        try (S3ObjectStore absent = S3ObjectStore.create(config(props))) {
            IOException e = assertThrows(IOException.class, () -> absent.open("some/key").close());
            assertFalse(e instanceof NoSuchObjectException, e.toString());
            assertTrue(e.getMessage().contains("s3://no-such-bucket/some/key"), e.getMessage());
        }
    }

    @Test
    void aDeniedUploadIsPermanentAndNamesThePermission() {
        faults.denyPutsUnder = base;

        StoreAccessException e = assertThrows(StoreAccessException.class, () -> store.put(base + "denied", new byte[3]));

        assertEquals(StorageConfig.S3_BUCKET, e.configKey());
        assertTrue(e.getMessage().contains("s3:PutObject"), e.getMessage());
        assertTrue(e.getMessage().contains("403 AccessDenied"), e.getMessage());
        assertTrue(e.getMessage().contains(BUCKET + "/" + base + "denied"), e.getMessage());
    }

    @Test
    void aDeniedMultipartUploadIsPermanent() throws Exception {
        Path file = tempDir.resolve("denied.bin");
        writeRandomFile(file, S3ObjectStore.PART_SIZE + 1, 13);
        faults.denyPutsUnder = base;

        StoreAccessException e = assertThrows(StoreAccessException.class, () -> store.put(base + "denied", file));

        assertTrue(e.getMessage().contains("CreateMultipartUpload") && e.getMessage().contains("s3:PutObject"),
                e.getMessage());
    }

    @Test
    void anInvalidRequestSuchAsAMissingEncryptionHeaderIsPermanent() {
        faults.failingPuts.set(1);
        faults.putError = FaultyBlobStore.answer(400, "InvalidRequest",
                "The bucket policy requires server-side encryption");

        StoreAccessException e = assertThrows(StoreAccessException.class, () -> store.put(base + "sse", new byte[3]));

        assertEquals(StorageConfig.S3_BUCKET, e.configKey());
        assertTrue(e.getMessage().contains("server-side encryption"), e.getMessage());
    }

    @Test
    void anObjectLockDenialIsPermanent() {
        faults.failingPuts.set(1);
        faults.putError = FaultyBlobStore.answer(403, "AccessDenied", "Access Denied because object protected by "
                + "object lock");

        StoreAccessException e = assertThrows(StoreAccessException.class, () -> store.put(base + "locked", new byte[3]));

        assertTrue(e.getMessage().contains("object lock"), e.getMessage());
    }

    @Test
    void aFewUnavailableAnswersAreRetriedByTheClient() throws IOException {
        faults.failingPuts.set(2);

        store.put(base + "retried", new byte[]{1, 2, 3});

        assertEquals(0, faults.failingPuts.get());
        assertArrayEquals(new byte[]{1, 2, 3}, read(base + "retried"));
    }

    @Test
    void unavailableAfterTheClientsRetriesIsTransient() {
        faults.failingPuts.set(1_000);
        try (S3ObjectStore quick = S3ObjectStore.createForCheck(config(server.storageProps(BUCKET)))) {
            IOException e = assertThrows(IOException.class, () -> quick.put(base + "busy", new byte[1]));
            assertFalse(e instanceof StoreAccessException, "a 503 is not a wrong setting: " + e);
            assertTrue(e.getMessage().contains("503"), e.getMessage());
        }
    }

    @Test
    void anUnknownEndpointHostIsPermanentAtTheAccessCheckAndNamesTheEndpointKey() {
        Map<String, String> props = new java.util.HashMap<>(server.storageProps(BUCKET));
        props.put(StorageConfig.S3_ENDPOINT, "http://no-such-host.invalid:9000");
        try (S3ObjectStore mistyped = S3ObjectStore.createForCheck(config(props))) {
            StoreAccessException e = assertThrows(StoreAccessException.class,
                    () -> mistyped.checkAccess(base, ObjectStore.Access.WRITE));
            assertEquals(StorageConfig.S3_ENDPOINT, e.configKey());
            assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
        }
    }

    @Test
    void anUnknownEndpointHostInARunningTaskIsTransientAndNamesTheKeyToCheck() {
        Map<String, String> props = new java.util.HashMap<>(server.storageProps(BUCKET));
        props.put(StorageConfig.S3_ENDPOINT, "http://no-such-host.invalid:9000");
        try (S3ObjectStore mistyped = S3ObjectStore.createForCheck(config(props))) {
            for (org.junit.jupiter.api.function.Executable request : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> mistyped.put(base + "x", new byte[1]),
                    () -> mistyped.open(base + "x").close(),
                    () -> mistyped.list(base),
                    () -> mistyped.listFolder(base))) {
                IOException e = assertThrows(IOException.class, request);
                assertTrue(StoreAccessException.permanentCause(e).isEmpty(), "a DNS blip is worth a wait: " + e);
                assertTrue(e.getMessage().contains("no-such-host.invalid")
                        && e.getMessage().contains("check " + StorageConfig.S3_ENDPOINT), e.getMessage());
            }
        }
    }

    @Test
    void aChecksumMismatchInTransitIsRetriedThenSucceeds() throws IOException {
        faults.failingPuts.set(1);
        faults.putError = FaultyBlobStore.answer(400, "BadDigest",
                "The CRC32C you specified did not match the calculated checksum.");
        byte[] content = {4, 5, 6};

        IOException e = assertThrows(IOException.class, () -> store.put(base + "flipped", content));
        assertTrue(StoreAccessException.permanentCause(e).isEmpty(), "the checksum did its job, a retry cures it: " + e);
        assertTrue(e.getMessage().contains("400 BadDigest"), e.getMessage());
        assertTrue(e.getMessage().contains("keep " + StorageConfig.S3_CHECKSUM + "; only if every upload"),
                e.getMessage());

        store.put(base + "flipped", content); // the connector's retry

        assertArrayEquals(content, read(base + "flipped"));
    }

    @Test
    void anArchivedSegmentIsPermanentAndSaysToRestoreItFirst() throws IOException {
        store.put(base + "archived", new byte[]{1});
        faults.failingGets.set(1);
        faults.getError = FaultyBlobStore.answer(403, "InvalidObjectState",
                "The operation is not valid for the object's storage class");

        StoreAccessException e = assertThrows(StoreAccessException.class, () -> store.open(base + "archived").close());

        assertTrue(e.getMessage().contains("403 InvalidObjectState"), e.getMessage());
        assertTrue(e.getMessage().contains("restore s3://" + BUCKET + "/" + base + "archived from the archive tier "
                + "first"), e.getMessage());
    }

    @Test
    void aStoreWithoutDelimitedListingsIsToldSoAndNotToDropTheChecksum() throws IOException {
        store.put(base + "a/x", new byte[]{1});
        faults.delimitedListsNotImplemented = true;

        StoreAccessException e = assertThrows(StoreAccessException.class, () -> store.listFolder(base));

        assertEquals(StorageConfig.S3_ENDPOINT, e.configKey());
        assertTrue(e.getMessage().contains("does not implement ListObjectsV2 with a delimiter"), e.getMessage());
        assertFalse(e.getMessage().contains(StorageConfig.S3_CHECKSUM), e.getMessage());
        assertEquals(List.of(new StoredObject(base + "a/x", 1)), store.list(base)); // flat listings still work
    }

    @Test
    void aStoreWithoutDeleteIsToldSoAndNotToDropTheChecksum() throws IOException {
        store.put(base + "probe", new byte[]{1});
        faults.failingDeletes.set(1);
        faults.deleteError = FaultyBlobStore.answer(501, "NotImplemented", "not implemented");

        StoreAccessException e = assertThrows(StoreAccessException.class, () -> store.delete(base + "probe"));

        assertEquals(StorageConfig.S3_ENDPOINT, e.configKey());
        assertTrue(e.getMessage().contains("does not implement DeleteObject"), e.getMessage());
        assertFalse(e.getMessage().contains(StorageConfig.S3_CHECKSUM), e.getMessage());
    }

    @Test
    void anUploadRejectedForItsChecksumNamesTheChecksumKey() throws Exception {
        faults.rejectChecksums = true;
        Path file = tempDir.resolve("crc.bin");
        writeRandomFile(file, S3ObjectStore.PART_SIZE + 10, 16);

        StoreAccessException e = assertThrows(StoreAccessException.class, () -> store.put(base + "crc", file));

        assertEquals(StorageConfig.S3_CHECKSUM, e.configKey());
        assertTrue(e.getMessage().contains(StorageConfig.S3_CHECKSUM + " to NONE"), e.getMessage());
    }

    @Test
    void withoutAChecksumUploadsWorkOnAStoreThatRejectsThem() throws Exception {
        faults.rejectChecksums = true;
        Map<String, String> props = server.storageProps(BUCKET);
        props.put(StorageConfig.S3_CHECKSUM, "NONE");
        Path file = tempDir.resolve("plain.bin");
        byte[] digest = writeRandomFile(file, S3ObjectStore.PART_SIZE + 10, 14);
        try (S3ObjectStore plain = S3ObjectStore.create(config(props))) {
            plain.put(base + "small", new byte[]{7});
            plain.put(base + "multipart", file);
        }
        assertEquals(0, faults.checksummedUploads.get());
        assertArrayEquals(new byte[]{7}, read(base + "small"));
        assertArrayEquals(digest, sha256(base + "multipart"));
    }

    @Test
    void theChecksumKeyDecidesTheChecksumHeadersOnTheWire() throws Exception {
        Path file = tempDir.resolve("wire.bin");
        writeRandomFile(file, S3ObjectStore.PART_SIZE + 10, 17);
        Map<String, List<String>> sent = new ConcurrentHashMap<>();
        ExecutionInterceptor observer = new ExecutionInterceptor() { // sees the request as it goes on the wire
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
                context.httpRequest().headers().keySet().stream()
                        .map(h -> h.toLowerCase(Locale.ROOT))
                        .filter(h -> h.startsWith("x-amz-checksum") || h.equals("x-amz-sdk-checksum-algorithm")
                                || h.equals("x-amz-trailer"))
                        .forEach(h -> sent.computeIfAbsent(operation, o -> new CopyOnWriteArrayList<>()).add(h));
            }
        };
        for (String algorithm : List.of("NONE", "CRC32C")) {
            sent.clear();
            Map<String, String> props = server.storageProps(BUCKET);
            props.put(StorageConfig.S3_CHECKSUM, algorithm);
            try (S3ObjectStore observed = S3ObjectStore.create(config(props), observer)) {
                observed.put(base + algorithm + "/small", new byte[]{1});
                observed.put(base + algorithm + "/multipart", file);
            }
            if (algorithm.equals("NONE")) {
                assertEquals(Map.of(), sent, "checksum headers sent with " + StorageConfig.S3_CHECKSUM + "=NONE");
            } else {
                for (String operation : List.of("PutObject", "CreateMultipartUpload", "UploadPart")) {
                    assertTrue(sent.containsKey(operation), operation + " carries no checksum header: " + sent);
                }
            }
        }
    }

    @Test
    void everyAlgorithmRoundTripsInOnePartAndInMany() throws Exception {
        Path file = tempDir.resolve("parts.bin");
        byte[] digest = writeRandomFile(file, S3ObjectStore.PART_SIZE + 10, 15);
        for (String algorithm : List.of("CRC32", "SHA256", "crc32c")) {
            Map<String, String> props = server.storageProps(BUCKET);
            props.put(StorageConfig.S3_CHECKSUM, algorithm);
            try (S3ObjectStore store = S3ObjectStore.create(config(props))) {
                store.put(base + algorithm + "/small", new byte[]{9});
                store.put(base + algorithm + "/multipart", file);
            }
            assertArrayEquals(new byte[]{9}, read(base + algorithm + "/small"));
            assertArrayEquals(digest, sha256(base + algorithm + "/multipart"));
        }
        assertEquals(3, faults.checksummedUploads.get());
    }

    @Test
    void aFailedPartIsRetriedFromTheFile() throws Exception {
        Path file = tempDir.resolve("retried.bin");
        long size = S3ObjectStore.PART_SIZE + 1000;
        byte[] digest = writeRandomFile(file, size, 11);
        faults.failingParts.set(2);

        store.put(base + "retried", file);

        assertEquals(0, faults.failingParts.get());
        assertEquals(List.of(new StoredObject(base + "retried", size)), store.list(base));
        assertArrayEquals(digest, sha256(base + "retried"));
    }

    @Test
    void aFailedMultipartUploadIsAbortedAndLeavesNoObject() throws Exception {
        Path file = tempDir.resolve("aborted.bin");
        writeRandomFile(file, 2 * S3ObjectStore.PART_SIZE + 1, 12);
        faults.rejectedPart = 2;

        IOException e = assertThrows(IOException.class, () -> store.put(base + "aborted", file));

        assertTrue(e.getMessage().contains("s3://" + BUCKET + "/" + base + "aborted"), e.getMessage());
        assertTrue(e.getMessage().contains("UploadPart 2 of 3"), e.getMessage());
        assertEquals(1, faults.aborts.get());
        assertEquals(List.of(), store.list(base));
        assertInstanceOf(NoSuchObjectException.class,
                assertThrows(IOException.class, () -> store.open(base + "aborted").close()));
    }
}
