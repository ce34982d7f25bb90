package io.lifeboat.it;

import io.lifeboat.core.segment.SegmentReader;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/** Damages segment files on disk the way a bad disk or a botched copy would. */
final class SegmentDamage {

    private SegmentDamage() {
    }

    /**
     * Flips the bits of one byte in the middle of the segment's data blocks (after its Avro header), so
     * that the header still reads and only the checksum can tell.
     */
    static void flipByteInData(Path file, String key) throws IOException {
        long headerLength;
        try (SegmentReader reader = SegmentReader.open(file, key, null)) {
            headerLength = reader.header().length();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long position = headerLength + (raf.length() - headerLength) / 2;
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0xFF);
        }
    }
}
