package io.lifeboat.cli;

import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.segment.SegmentReader;
import io.lifeboat.core.storage.ObjectStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A segment object copied to a temporary local file and opened with {@link SegmentReader}, which
 * verifies it before the first record. Closing deletes the copy.
 */
public final class LocalSegment implements AutoCloseable {

    private final Path file;
    private final SegmentReader reader;

    private LocalSegment(Path file, SegmentReader reader) {
        this.file = file;
        this.reader = reader;
    }

    /**
     * @param expected what the key says about the segment, or null
     * @throws io.lifeboat.core.segment.CorruptSegmentException when the object is damaged
     */
    public static LocalSegment open(ObjectStore store, String key, SegmentDescriptor expected) throws IOException {
        Path file = Files.createTempFile("lifeboat-segment-", ".avro");
        try {
            try (InputStream in = store.open(key)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return new LocalSegment(file, SegmentReader.open(file, key, expected));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    public SegmentReader reader() {
        return reader;
    }

    @Override
    public void close() throws IOException {
        try {
            reader.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
