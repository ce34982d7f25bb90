package io.lifeboat.benchmarks;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A store the benchmark backs up into and restores from, open for the whole run; each value size
 * writes its backup set under a prefix of its own.
 */
public interface BenchStore extends AutoCloseable {

    /** The stores {@code --store} accepts. */
    List<String> NAMES = List.of("filesystem", "s3");

    /** Opens the store named {@code name} (one of {@link #NAMES}). */
    static BenchStore open(String name) throws Exception {
        return switch (name) {
            case "filesystem" -> new FilesystemBenchStore();
            case "s3" -> new S3BenchStore();
            default -> throw new IllegalArgumentException("unknown store '" + name + "', expected one of " + NAMES);
        };
    }

    /** {@code filesystem} or {@code s3}. */
    String name();

    /** The storage keys of a connector config for the backup set under {@code prefix}. */
    Map<String, String> storage(String prefix);

    /** Bytes of all objects under {@code prefix}. */
    long storedBytes(String prefix) throws Exception;

    @Override
    void close() throws IOException;
}
