package io.lifeboat.it;

import io.lifeboat.core.storage.S3ProxyServer;

import java.util.List;
import java.util.Map;

/**
 * The round trip of {@link RoundTripChecks} through S3: S3Proxy in this JVM on loopback, path-style
 * addressing, static keys.
 */
class S3RoundTripIT extends RoundTripChecks {

    private S3ProxyServer s3;

    @Override
    protected Map<String, String> openStore() throws Exception {
        s3 = new S3ProxyServer().start();
        // The CLI takes credentials from the AWS default chain, whose first link is these properties.
        System.setProperty("aws.accessKeyId", s3.accessKey());
        System.setProperty("aws.secretAccessKey", s3.secretKey());
        s3.createBucket("lifeboat-round-trip");
        Map<String, String> storage = s3.storageProps("lifeboat-round-trip");
        storage.put("storage.prefix", "cluster-a");
        return storage;
    }

    @Override
    protected void closeStore() throws Exception {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected String label() {
        return "s3";
    }

    @Override
    protected List<String> cliStoreArgs() {
        return List.of("--s3-bucket", "lifeboat-round-trip", "--s3-endpoint", s3.endpoint().toString(),
                "--s3-region", "us-east-1", "--s3-path-style", "--prefix", "cluster-a");
    }
}
