package io.lifeboat.core.storage;

import io.lifeboat.core.config.StorageConfig;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An S3-compatible server for tests: S3Proxy running in this JVM on 127.0.0.1 and a free port, keeping
 * its buckets in a temporary folder that {@link #close()} deletes. Requests must be signed (AWS v2 or v4)
 * with {@link #accessKey()} and {@link #secretKey()}; clients need path-style addressing.
 *
 * <pre>
 * try (S3ProxyServer s3 = new S3ProxyServer().start()) {
 *     s3.createBucket("backups");
 *     Map&lt;String, String&gt; props = s3.storageProps("backups"); // connector storage keys
 * }
 * </pre>
 *
 * A decorator given to the constructor can wrap the blob store (for instance with a
 * {@link org.gaul.s3proxy.blobstore.ForwardingBlobStore} that throws
 * {@code S3Exceptions.fromStatusCode(503)}) to inject faults that clients see as real HTTP answers.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String REGION = "us-east-1";

    private final UnaryOperator<BlobStore> decorator;
    private final String accessKey = "lifeboat-test-key";
    private final String secretKey = "lifeboat-test-secret-" + UUID.randomUUID();
    private Path dataDir;
    private S3Proxy proxy;
    private URI endpoint;
    private S3Client client;

    public S3ProxyServer() {
        this(UnaryOperator.identity());
    }

    /** @param decorator wraps the filesystem blob store that serves the requests */
    public S3ProxyServer(UnaryOperator<BlobStore> decorator) {
        this.decorator = decorator;
    }

    /** Starts the server and waits until it accepts requests; returns this. */
    public S3ProxyServer start() throws Exception {
        dataDir = Files.createTempDirectory("s3proxy-");
        Properties props = new Properties();
        props.setProperty("s3proxy.endpoint", "http://127.0.0.1:0");
        props.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        props.setProperty("s3proxy.identity", accessKey);
        props.setProperty("s3proxy.credential", secretKey);
        proxy = S3Proxy.Builder.fromProperties(props)
                .blobStore(decorator.apply(new FilesystemNio2BlobStore(dataDir.toString())))
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        return this;
    }

    public URI endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** A client for test setup and inspection (path style, static keys); closed with the server. */
    public synchronized S3Client client() {
        if (client == null) {
            client = S3Client.builder()
                    .httpClientBuilder(Apache5HttpClient.builder())
                    .endpointOverride(endpoint)
                    .forcePathStyle(true)
                    .region(Region.of(REGION))
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(accessKey, secretKey)))
                    .build();
        }
        return client;
    }

    /** Creates a bucket (3 to 63 lower-case letters, digits, '-' and '.'). */
    public void createBucket(String name) {
        client().createBucket(b -> b.bucket(name));
    }

    /** The storage keys of a connector config that points at {@code bucket} on this server. */
    public Map<String, String> storageProps(String bucket) {
        Map<String, String> props = new HashMap<>();
        props.put(StorageConfig.BACKEND, "s3");
        props.put(StorageConfig.S3_BUCKET, bucket);
        props.put(StorageConfig.S3_ENDPOINT, endpoint.toString());
        props.put(StorageConfig.S3_PATH_STYLE, "true");
        props.put(StorageConfig.S3_REGION, REGION);
        props.put(StorageConfig.AWS_ACCESS_KEY_ID, accessKey);
        props.put(StorageConfig.AWS_SECRET_ACCESS_KEY, secretKey);
        return props;
    }

    /** Stops the server and deletes its data. */
    @Override
    public void close() throws IOException {
        try {
            if (client != null) {
                client.close();
            }
            if (proxy != null) {
                proxy.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping S3Proxy", e);
        } catch (Exception e) {
            throw new IOException("could not stop S3Proxy", e);
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
