package io.lifeboat.core.segment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A damaged or foreign object that declares huge lengths in its header fails fast with a clear
 * {@link CorruptSegmentException}, never an {@link OutOfMemoryError}: run in a 64 MB heap (see the
 * module's pom), where allocating what these files declare would not fit.
 */
class SegmentHeaderBoundsTest {

    private static final long GIGABYTE = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void runsInASmallHeap() {
        assertTrue(Runtime.getRuntime().maxMemory() < 200L * 1024 * 1024,
                "this test must run in a small heap: " + Runtime.getRuntime().maxMemory());
    }

    @Test
    void aHugeDeclaredMetadataValueIsRefusedBeforeItIsAllocated() throws IOException {
        ByteArrayOutputStream header = avroStart(1);
        string(header, "lifeboat.format.version");
        varLong(header, GIGABYTE); // the value's length
        header.write(new byte[100]);
        assertRefused(header, "declares a metadata value of 'lifeboat.format.version' of " + GIGABYTE);
    }

    @Test
    void aHugeDeclaredMetadataKeyIsRefusedBeforeItIsAllocated() throws IOException {
        ByteArrayOutputStream header = avroStart(1);
        varLong(header, 2 * GIGABYTE - 2);
        header.write(new byte[100]);
        assertRefused(header, "declares a metadata key of " + (2 * GIGABYTE - 2));
    }

    @Test
    void aHugeDeclaredEntryCountIsRefused() throws IOException {
        ByteArrayOutputStream header = avroStart(1L << 40);
        header.write(new byte[100]);
        assertRefused(header, "declares a metadata entry count of " + (1L << 40));
    }

    private void assertRefused(ByteArrayOutputStream content, String expected) throws IOException {
        Path file = dir.resolve("foreign.avro");
        Files.write(file, content.toByteArray());
        CorruptSegmentException e = assertThrows(CorruptSegmentException.class,
                () -> SegmentReader.open(file, "set/segments/t/000000/foreign.avro", null).close());
        assertTrue(e.getMessage().contains("set/segments/t/000000/foreign.avro"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static ByteArrayOutputStream avroStart(long entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{'O', 'b', 'j', 1});
        varLong(out, entries);
        return out;
    }

    private static void string(ByteArrayOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        varLong(out, bytes.length);
        out.write(bytes);
    }

    /** Avro's zig-zag varint. */
    private static void varLong(ByteArrayOutputStream out, long value) {
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
    }
}
