package io.lifeboat.cli;

import io.lifeboat.core.layout.DamagedSets;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.FilesystemObjectStore;
import org.apache.kafka.common.TopicPartition;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How long {@code verify} takes on a backup set of many segments, one reader against several: writes
 * {@code <segments>} segments of {@code <records>} records over 4 partitions into a filesystem store under
 * {@code <folder>} (once), then verifies it with each {@code --parallel} given, twice each. Run by hand:
 * {@code java -cp ... io.lifeboat.cli.VerifyCost <folder> <segments> <records> <parallel>[,<parallel>...]}.
 */
final class VerifyCost {

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0]);
        int segments = Integer.parseInt(args[1]);
        int records = Integer.parseInt(args[2]);
        Path root = folder.resolve("store");
        try (FilesystemObjectStore store = new FilesystemObjectStore(root)) {
            if (!Files.exists(root.resolve("set"))) {
                Path work = Files.createDirectories(folder.resolve("work"));
                long[] previous = {SegmentDescriptor.NONE, SegmentDescriptor.NONE, SegmentDescriptor.NONE,
                        SegmentDescriptor.NONE};
                for (int s = 0; s < segments; s++) {
                    int p = s % 4;
                    long first = previous[p] + 1;
                    SegmentDescriptor written = DamagedSets.writeSegment(store, work, new TopicPartition("orders", p),
                            first, first + records - 1, previous[p]);
                    previous[p] = written.lastOffset();
                }
            }
            for (String parallel : args[3].split(",")) {
                for (int run = 0; run < 2; run++) {
                    long start = System.nanoTime();
                    int code = VerifyCommand.verify(store, DamagedSets.LAYOUT, VerifyFindings.text(
                            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), true),
                            Integer.parseInt(parallel));
                    System.out.printf("%d segments, --parallel %s: exit %d in %.2f s%n", segments, parallel, code,
                            (System.nanoTime() - start) / 1e9);
                }
            }
        }
    }

    private VerifyCost() {
    }
}
