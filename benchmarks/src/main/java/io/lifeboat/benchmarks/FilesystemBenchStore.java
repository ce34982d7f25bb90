package io.lifeboat.benchmarks;


import io.lifeboat.cli.ConnectorConfigs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** The filesystem store in a temporary folder, deleted on close. */
final class FilesystemBenchStore implements BenchStore {

    private final Path root;

    FilesystemBenchStore() throws IOException {
        root = Files.createTempDirectory("lifeboat-bench-store-");
    }

    @Override
    public String name() {
        return "filesystem";
    }

    @Override
    public Map<String, String> storage(String prefix) {
        return ConnectorConfigs.filesystemStorage(root, prefix);
    }

    @Override
    public long storedBytes(String prefix) throws IOException {
        Path set = root.resolve(prefix);
        if (!Files.isDirectory(set)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(set)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
