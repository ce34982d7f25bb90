package io.lifeboat.cli;

import io.lifeboat.core.storage.S3ProxyServer;

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
        s3.createBucket("lifeboat-round-trip");
        Map<String, String> storage = s3.storageProps("lifeboat-round-trip");
        storage.put("storage.prefix", "cluster-a");
        return storage;
    }

    @Override
    protected void closeStore() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected String label() {
        return "s3";
    }
}
