package io.lifeboat.core.storage;

import io.lifeboat.core.config.StorageConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

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

    /**
     * Answers part uploads with 503 (retried by the SDK) while {@code failingParts} is positive, and the
     * upload of part number {@code rejectedPart} with 400 (not retried).
     */
    static final class FaultyBlobStore extends ForwardingBlobStore {

        static final class Faults {
            final AtomicInteger failingParts = new AtomicInteger();
            final AtomicInteger aborts = new AtomicInteger();
            final AtomicInteger failingLists = new AtomicInteger();
            volatile int rejectedPart;

            void reset() {
                failingParts.set(0);
                failingLists.set(0);
                aborts.set(0);
                rejectedPart = 0;
            }
        }

        private final Faults faults;

        FaultyBlobStore(BlobStore delegate, Faults faults) {
            super(delegate);
            this.faults = faults;
        }

        @Override
        public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request,
                                                      InputStream content) {
            if (faults.failingParts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw S3Exceptions.fromStatusCode(503);
            }
            if (request.partNumber() == faults.rejectedPart) {
                drain(content); // an answer before the body is read breaks the connection, which the SDK retries
                throw S3Exceptions.invalidRequest("injected failure");
            }
            return super.uploadMultipartPart(upload, request, content);
        }

        private static void drain(InputStream content) {
            try {
                content.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public ListObjectsV2Response list(ListObjectsV2Request request) {
            if (faults.failingLists.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw S3Exceptions.fromStatusCode(503);
            }
            return super.list(request);
        }

        @Override
        public void abortMultipartUpload(MultipartUpload upload) {
            faults.aborts.incrementAndGet();
            super.abortMultipartUpload(upload);
        }
    }
}
