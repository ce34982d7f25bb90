package io.lifeboat.core.storage;

import io.lifeboat.core.config.S3Checksum;
import io.lifeboat.core.config.StorageConfig;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An {@link ObjectStore} in an S3 bucket (AWS S3 or an S3-compatible store), on the AWS SDK for Java v2
 * with the Apache HttpClient 5 transport.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>atomic publication: objects are written with a single PutObject (up to {@value #PART_SIZE}
 *       bytes) or a multipart upload that becomes visible only when completed; a failed multipart
 *       upload is aborted (best effort);</li>
 *   <li>durability and integrity: {@link #put} returns once S3 acknowledged the object; every body
 *       carries the checksum of {@code s3.checksum.algorithm} (CRC32C unless set), which the store
 *       verifies; with NONE, none;</li>
 *   <li>bounded memory: files are streamed from disk, part by part;</li>
 *   <li>retries: throttling, 5xx answers and I/O errors are retried by the SDK (standard mode,
 *       {@value #MAX_ATTEMPTS} attempts, exponential backoff with jitter);</li>
 *   <li>errors surface as {@link IOException}s naming the operation, bucket and key, never secrets;
 *       those that waiting will not cure are {@link StoreAccessException}s naming the key to fix
 *       ({@link S3ErrorClassifier}).</li>
 * </ul>
 */
public final class S3ObjectStore implements ObjectStore {

    private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);

    /** Files larger than this are uploaded in parts of this size. */
    static final long PART_SIZE = 16L * 1024 * 1024;
    static final int MAX_ATTEMPTS = 10;
    static final int CHECK_TIMEOUT_SECONDS = 15;

    private final S3Client s3;
    private final String bucket;
    private final S3Checksum checksum;
    private final ChecksumAlgorithm algorithm;
    private final S3ErrorClassifier errors;
    private AutoCloseable credentials;

    /**
     * A store over an existing client, which this store closes on {@link #close()}.
     *
     * @param customEndpoint whether the client talks to s3.endpoint.url (for messages naming the key to fix)
     * @param checksum       the checksum sent with uploads; with NONE the client must not add one by itself
     *                       (request checksum calculation WHEN_REQUIRED)
     */
    public S3ObjectStore(S3Client s3, String bucket, boolean customEndpoint, S3Checksum checksum) {
        this.s3 = s3;
        this.bucket = bucket;
        this.checksum = checksum;
        this.algorithm = switch (checksum) {
            case CRC32C -> ChecksumAlgorithm.CRC32_C;
            case CRC32 -> ChecksumAlgorithm.CRC32;
            case SHA256 -> ChecksumAlgorithm.SHA256;
            case NONE -> null;
        };
        this.errors = new S3ErrorClassifier(bucket, customEndpoint, checksum);
    }

    /** Builds the client that {@code config} describes: endpoint, addressing, region, credentials, retries. */
    public static S3ObjectStore create(StorageConfig config) {
        return create(config, MAX_ATTEMPTS, null, null);
    }

    /** Like {@link #create(StorageConfig)}, with an interceptor that sees every HTTP request the client sends. */
    // visible for testing
    static S3ObjectStore create(StorageConfig config, ExecutionInterceptor observer) {
        return create(config, MAX_ATTEMPTS, null, observer);
    }

    /**
     * A client for a quick {@link #checkAccess} while a config is validated: two attempts within
     * {@value #CHECK_TIMEOUT_SECONDS} seconds, so that an unreachable store cannot hold up the
     * REST call.
     */
    public static S3ObjectStore createForCheck(StorageConfig config) {
        return create(config, 2, Duration.ofSeconds(CHECK_TIMEOUT_SECONDS), null);
    }

    private static S3ObjectStore create(StorageConfig config, int maxAttempts, Duration callTimeout,
                                        ExecutionInterceptor observer) {
        if (config.bucket() == null) {
            throw new ConfigException(StorageConfig.S3_BUCKET, null, "a bucket is required for the s3 backend");
        }
        AwsCredentialsProvider credentials = credentials(config);
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder())
                .region(region(config))
                .credentialsProvider(credentials)
                .forcePathStyle(config.pathStyleAccess())
                // WHEN_SUPPORTED (the default) would add a CRC32 to every upload that names no algorithm
                .requestChecksumCalculation(config.checksum() == S3Checksum.NONE
                        ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED)
                .overrideConfiguration(o -> {
                    o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts).build());
                    if (callTimeout != null) {
                        o.apiCallTimeout(callTimeout);
                    }
                    if (observer != null) {
                        o.addExecutionInterceptor(observer);
                    }
                });
        config.endpoint().ifPresent(builder::endpointOverride);
        S3ObjectStore store = new S3ObjectStore(builder.build(), config.bucket(), config.endpoint().isPresent(),
                config.checksum());
        if (credentials instanceof AutoCloseable closeable) {
            store.credentials = closeable; // the client does not close a provider it was given
        }
        return store;
    }

    private static Region region(StorageConfig config) {
        if (config.region().isPresent()) {
            return Region.of(config.region().get());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkException | IllegalStateException e) {
            if (config.endpoint().isPresent()) {
                return Region.US_EAST_1;
            }
            throw new ConfigException(StorageConfig.S3_REGION, null,
                    "no region configured and none found by the AWS SDK's region chain");
        }
    }

    private static AwsCredentialsProvider credentials(StorageConfig config) {
        return config.staticCredentials()
                .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey().value())))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    }

    @Override
    public void put(String key, Path file) throws IOException {
        long size = Files.size(file);
        if (size <= PART_SIZE) {
            try {
                s3.putObject(b -> b.bucket(bucket).key(key).checksumAlgorithm(algorithm), RequestBody.fromFile(file));
            } catch (SdkException e) {
                throw failure("upload", key, S3Request.PUT_OBJECT, null, e);
            }
        } else {
            putMultipart(key, file, size);
        }
    }

    @Override
    public void put(String key, byte[] content) throws IOException {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).checksumAlgorithm(algorithm), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw failure("upload", key, S3Request.PUT_OBJECT, null, e);
        }
    }

    private void putMultipart(String key, Path file, long size) throws IOException {
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).checksumAlgorithm(algorithm)).uploadId();
        } catch (SdkException e) {
            throw failure("upload", key, S3Request.CREATE_MULTIPART_UPLOAD, null, e);
        }
        int partCount = (int) ((size + PART_SIZE - 1) / PART_SIZE);
        S3Request request = S3Request.UPLOAD_PART;
        String step = null;
        try {
            List<CompletedPart> parts = new ArrayList<>(partCount);
            for (int number = 1; number <= partCount; number++) {
                step = number + " of " + partCount;
                long offset = (number - 1) * PART_SIZE;
                parts.add(uploadPart(key, uploadId, number, file, offset, Math.min(PART_SIZE, size - offset)));
            }
            request = S3Request.COMPLETE_MULTIPART_UPLOAD;
            step = null;
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            log.debug("Uploaded {} ({} bytes, {} parts) to {}", key, size, partCount, describe());
        } catch (RuntimeException e) {
            abort(key, uploadId, e);
            if (e instanceof SdkException sdk) {
                throw failure("upload", key, request, step, sdk);
            }
            if (e instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }

    private CompletedPart uploadPart(String key, String uploadId, int number, Path file, long offset, long length) {
        RequestBody body = RequestBody.fromContentProvider(
                () -> FileSlice.open(file, offset, length), length, "application/octet-stream");
        UploadPartResponse response = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .partNumber(number).contentLength(length).checksumAlgorithm(algorithm), body);
        CompletedPart.Builder part = CompletedPart.builder().partNumber(number).eTag(response.eTag());
        switch (checksum) {
            case CRC32C -> part.checksumCRC32C(response.checksumCRC32C());
            case CRC32 -> part.checksumCRC32(response.checksumCRC32());
            case SHA256 -> part.checksumSHA256(response.checksumSHA256());
            case NONE -> { }
        }
        return part.build();
    }

    private void abort(String key, String uploadId, Exception cause) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            cause.addSuppressed(e);
            log.warn("Could not abort multipart upload {} of {} in {}: {}", uploadId, key, describe(), e.getMessage());
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return new ObjectInputStream(s3.getObject(b -> b.bucket(bucket).key(key)), key);
        } catch (NoSuchKeyException e) {
            throw new NoSuchObjectException(key, describe());
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !isBucketError(e)) {
                throw new NoSuchObjectException(key, describe());
            }
            throw failure("get", key, S3Request.GET_OBJECT, null, e);
        } catch (SdkException e) {
            throw failure("get", key, S3Request.GET_OBJECT, null, e);
        }
    }

    private static boolean isBucketError(S3Exception e) {
        return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        return list(prefix, "");
    }

    /** S3 starts the listing after {@code startAfter} itself: the pages before are never requested. */
    @Override
    public List<StoredObject> list(String prefix, String startAfter) throws IOException {
        List<StoredObject> result = new ArrayList<>();
        forEachObject(prefix, startAfter, result::add);
        return result;
    }

    /** Page by page, as the paginator fetches them (in key order): one page of keys in memory at a time. */
    @Override
    public void forEachObject(String prefix, String startAfter, Consumer<StoredObject> each) throws IOException {
        try {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)
                    .startAfter(startAfter.isEmpty() ? null : startAfter)).contents()) {
                each.accept(new StoredObject(o.key(), o.size()));
            }
        } catch (SdkException e) {
            throw failure("list", prefix + "*", S3Request.LIST_OBJECTS, null, e);
        }
    }

    @Override
    public FolderListing listFolder(String prefix) throws IOException {
        List<StoredObject> objects = new ArrayList<>();
        List<String> folders = new ArrayList<>();
        try {
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).delimiter("/"))) {
                page.contents().forEach(o -> objects.add(new StoredObject(o.key(), o.size())));
                page.commonPrefixes().forEach(folder -> folders.add(folder.prefix()));
            }
        } catch (SdkException e) {
            throw failure("list", prefix + "*", S3Request.LIST_FOLDER, null, e);
        }
        return new FolderListing(objects, folders);
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw failure("delete", key, S3Request.DELETE_OBJECT, null, e);
        }
    }

    /**
     * A listing of at most one key under {@code prefix}: an answer that names a wrong setting (see
     * {@link S3ErrorClassifier}) is a {@link StoreAccessException}, anything else a plain IOException.
     */
    @Override
    public void checkAccess(String prefix, Access access) throws IOException {
        try {
            s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(1));
        } catch (SdkException e) {
            throw failure("list", prefix + "*", S3Request.ACCESS_CHECK, null, e);
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket;
    }

    @Override
    public void close() {
        s3.close();
        if (credentials != null) {
            try {
                credentials.close();
            } catch (Exception e) {
                log.debug("Closing the credentials provider of {} failed: {}", describe(), e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * An IOException such as "could not upload s3://bucket/key (PutObject): the SDK's message", or a
     * {@link StoreAccessException} when the answer names a setting to fix.
     */
    private IOException failure(String verb, String key, S3Request request, String step, SdkException e) {
        return errors.classify(verb, key, request, step, e);
    }

    /**
     * An object's content. Turns SDK exceptions thrown while reading (such as a checksum mismatch) into
     * IOExceptions, and aborts the connection when closed before the end instead of draining the rest.
     */
    private final class ObjectInputStream extends FilterInputStream {
        private final ResponseInputStream<GetObjectResponse> response;
        private final String key;
        private boolean eof;

        ObjectInputStream(ResponseInputStream<GetObjectResponse> response, String key) {
            super(response);
            this.response = response;
            this.key = key;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                eof |= b < 0;
                return b;
            } catch (SdkException e) {
                throw failure("read", key, S3Request.GET_OBJECT, null, e);
            }
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            try {
                int n = super.read(buffer, off, len);
                eof |= n < 0;
                return n;
            } catch (SdkException e) {
                throw failure("read", key, S3Request.GET_OBJECT, null, e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (SdkException e) {
                throw failure("read", key, S3Request.GET_OBJECT, null, e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                if (!eof) {
                    response.abort();
                }
                super.close();
            } catch (SdkException e) {
                throw failure("close", key, S3Request.GET_OBJECT, null, e);
            }
        }
    }
}
