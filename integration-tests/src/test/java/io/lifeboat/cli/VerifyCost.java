package io.lifeboat.cli;

import io.lifeboat.core.layout.DamagedSets;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.ObjectStores;
import io.lifeboat.core.storage.S3ProxyServer;
import org.apache.kafka.common.TopicPartition;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How long {@code verify} takes on a backup set of many segments, one reader against several: writes
 * {@code <segments>} segments of {@code <records>} records over 4 partitions into a store, then verifies it
 * with each {@code --parallel} given, twice each. The store is a filesystem store under {@code <folder>}
 * (written once, kept), or with {@code s3} as fifth argument an S3Proxy on loopback spoken to with the AWS
 * SDK (written each run). It sits in integration-tests, whose test classpath has S3Proxy (on lifeboat-cli's,
 * S3Proxy's Jetty would win over Connect's in the launcher's classpath). Run by hand:
 * {@code java -cp ... io.lifeboat.cli.VerifyCost <folder> <segments> <records> <parallel>[,<parallel>...] [s3]}.
 */
final class VerifyCost {

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        int segments = Integer.parseInt(args[1]);
        int records = Integer.parseInt(args[2]);
        boolean s3 = args.length > 4 && "s3".equals(args[4]);
        if (s3) {
            try (S3ProxyServer server = new S3ProxyServer().start()) {
                server.createBucket("verify-cost");
                try (ObjectStore store = ObjectStores.open(StoreOptions.storageConfig(server.storageProps("verify-cost")))) {
                    write(store, folder, segments, records);
                    measure(store, "S3Proxy", segments, args[3]);
                }
            }
            return;
        }
        Path root = folder.resolve("store");
        try (FilesystemObjectStore store = new FilesystemObjectStore(root)) {
            if (!Files.exists(root.resolve("set"))) {
                write(store, folder, segments, records);
            }
            measure(store, "filesystem", segments, args[3]);
        }
    }

    private static void write(ObjectStore store, Path folder, int segments, int records) throws IOException {
        Path work = Files.createDirectories(folder.resolve("work"));
        long[] previous = {SegmentDescriptor.NONE, SegmentDescriptor.NONE, SegmentDescriptor.NONE, SegmentDescriptor.NONE};
        for (int s = 0; s < segments; s++) {
            int p = s % 4;
            long first = previous[p] + 1;
            SegmentDescriptor written = DamagedSets.writeSegment(store, work, new TopicPartition("orders", p),
                    first, first + records - 1, previous[p]);
            previous[p] = written.lastOffset();
        }
    }

    private static void measure(ObjectStore store, String kind, int segments, String parallels) throws IOException {
        for (String parallel : parallels.split(",")) {
            for (int run = 0; run < 2; run++) {
                long start = System.nanoTime();
                int code = VerifyCommand.verify(store, DamagedSets.LAYOUT, VerifyFindings.text(
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), true),
                        Integer.parseInt(parallel));
                System.out.printf("%s, %d segments, --parallel %s: exit %d in %.2f s%n", kind, segments, parallel, code,
                        (System.nanoTime() - start) / 1e9);
            }
        }
    }

    private VerifyCost() {
    }
}
