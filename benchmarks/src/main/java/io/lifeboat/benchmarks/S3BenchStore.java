package io.lifeboat.benchmarks;

import io.lifeboat.core.storage.S3ProxyServer;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * An S3 store: S3Proxy in this JVM on loopback (its filesystem blob store in a temporary folder),
 * path-style addressing, static keys; what the backup and restore pay for S3 requests and signing,
 * not for a network.
 */
final class S3BenchStore implements BenchStore {

    private static final String BUCKET = "lifeboat-bench";

    private final S3ProxyServer s3;

    S3BenchStore() throws Exception {
        s3 = new S3ProxyServer().start();
        s3.createBucket(BUCKET);
    }

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public Map<String, String> storage(String prefix) {
        Map<String, String> storage = new HashMap<>(s3.storageProps(BUCKET));
        storage.put("storage.prefix", prefix);
        return storage;
    }

    @Override
    public long storedBytes(String prefix) {
        return s3.client().listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents().stream()
                .mapToLong(S3Object::size).sum();
    }

    @Override
    public void close() throws IOException {
        s3.close();
    }
}
