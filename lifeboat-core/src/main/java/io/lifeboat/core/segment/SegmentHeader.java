package io.lifeboat.core.segment;

import io.lifeboat.core.layout.SegmentDescriptor;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * The header of a segment file, read without Avro's buffering so that its exact length is known
 * (the checksum covers the bytes after it). Checked against what the object key says. Every length
 * and count it declares is checked against the file's size before anything is allocated.
 */
public record SegmentHeader(String topic, int partition, long firstOffset, long lastOffset, long recordCount,
                            long crc32c, String codec, long length) {

    private static final byte[] MAGIC = {'O', 'b', 'j', 1};

    static SegmentHeader read(Path file, String objectKey, SegmentDescriptor expected) throws IOException {
        String where = "segment " + objectKey + (expected == null ? "" : " (" + expected.describeRange() + ")");
        Map<String, byte[]> meta = new HashMap<>();
        long length;
        long fileSize = Files.size(file);
        try (CountingInputStream in = new CountingInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            BinaryDecoder decoder = DecoderFactory.get().directBinaryDecoder(in, null);
            byte[] magic = new byte[4];
            decoder.readFixed(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CorruptSegmentException(where + " is not an Avro container file (bad magic bytes)");
            }
            // Every length is checked against the bytes left in the file before anything is allocated:
            // a damaged or foreign object must not make the reader allocate what it declares.
            for (long n = decoder.readLong(); n != 0; n = decoder.readLong()) {
                if (n < 0) {
                    n = -n;
                    bounded(decoder.readLong(), fileSize - in.count(), "metadata block", where, in.count());
                }
                bounded(n, (fileSize - in.count()) / 2, "metadata entry count", where, in.count());
                for (long i = 0; i < n; i++) {
                    String key = new String(readBytes(decoder, in, fileSize, "metadata key", where),
                            StandardCharsets.UTF_8);
                    meta.put(key, readBytes(decoder, in, fileSize, "metadata value of '" + key + "'", where));
                }
            }
            decoder.readFixed(new byte[16]);
            length = in.count();
        } catch (EOFException e) {
            throw new CorruptSegmentException(where + " is truncated: its header ends early; no record was read", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CorruptSegmentException c) {
                throw c;
            }
            if (e instanceof FileSystemException local) {
                throw local; // the local copy could not be read (removed, too many open files): not the object's fault
            }
            throw new CorruptSegmentException(where + " has an unreadable header: " + e.getMessage(), e);
        }
        SegmentHeader header = fromMetadata(meta, where, length);
        header.check(expected, where);
        return header;
    }

    private static byte[] readBytes(BinaryDecoder decoder, CountingInputStream in, long fileSize, String what,
                                    String where) throws IOException {
        long at = in.count();
        long length = decoder.readLong();
        bounded(length, fileSize - in.count(), what, where, at);
        byte[] bytes = new byte[(int) length];
        decoder.readFixed(bytes);
        return bytes;
    }

    /** A declared length or count, checked before it is used: at least 0 and at most {@code limit}. */
    static long bounded(long declared, long limit, String what, String where, long position)
            throws CorruptSegmentException {
        if (declared < 0 || declared > limit) {
            throw new CorruptSegmentException(where + " declares a " + what + " of " + declared + " at byte "
                    + position + ", but only " + Math.max(limit, 0) + " fit in the rest of the object: it is not a "
                    + "Lifeboat segment, or a damaged one; no record was read");
        }
        return declared;
    }

    private static SegmentHeader fromMetadata(Map<String, byte[]> meta, String where, long length)
            throws CorruptSegmentException {
        String version = text(meta, SegmentFormat.META_FORMAT_VERSION, where);
        if (!version.equals(Integer.toString(SegmentFormat.VERSION))) {
            throw new CorruptSegmentException(where + " has segment format version " + version
                    + "; this Lifeboat reads version " + SegmentFormat.VERSION);
        }
        try {
            return new SegmentHeader(text(meta, SegmentFormat.META_TOPIC, where),
                    Integer.parseInt(text(meta, SegmentFormat.META_PARTITION, where)),
                    Long.parseLong(text(meta, SegmentFormat.META_FIRST_OFFSET, where)),
                    Long.parseLong(text(meta, SegmentFormat.META_LAST_OFFSET, where)),
                    Long.parseLong(text(meta, SegmentFormat.META_RECORD_COUNT, where)),
                    Long.parseLong(text(meta, SegmentFormat.META_CRC32C, where), 16),
                    meta.containsKey("avro.codec") ? new String(meta.get("avro.codec"), StandardCharsets.UTF_8) : "null",
                    length);
        } catch (NumberFormatException e) {
            throw new CorruptSegmentException(where + " has a malformed header value: " + e.getMessage(), e);
        }
    }

    private void check(SegmentDescriptor expected, String where) throws CorruptSegmentException {
        if (recordCount < 1 || lastOffset < firstOffset || recordCount > lastOffset - firstOffset + 1) {
            throw new CorruptSegmentException(where + " has an inconsistent header: " + recordCount
                    + " records in offsets " + firstOffset + ".." + lastOffset);
        }
        if (expected != null && (!expected.topic().equals(topic) || expected.partition() != partition
                || expected.firstOffset() != firstOffset || expected.lastOffset() != lastOffset)) {
            throw new CorruptSegmentException(where + " holds " + topic + "-" + partition + " offsets " + firstOffset
                    + ".." + lastOffset + ", not what its key says");
        }
    }

    /** What one pass over the data blocks found. */
    record DataBlocks(long crc32c, long records, String structureProblem) {
    }

    /**
     * One pass over every byte after the header: their CRC-32C, and the sum of the record counts of
     * the Avro container blocks (each block is a count and a size as varints, that many bytes, then
     * the file's 16-byte sync marker), read without decoding any record. A block that declares more
     * bytes than the file holds, or that is not followed by the sync marker, is a structure problem;
     * the checksum is computed to the end all the same, so that a damaged file reports its checksum.
     */
    DataBlocks scanData(Path file) throws IOException {
        long fileSize = Files.size(file);
        CRC32C crc = new CRC32C();
        byte[] sync = new byte[16];
        try (InputStream raw = Files.newInputStream(file)) {
            raw.skipNBytes(length - 16);
            raw.readNBytes(sync, 0, 16);
        }
        long records = 0;
        String problem = null;
        try (CountingInputStream in = new CountingInputStream(new CheckedInputStream(
                new BufferedInputStream(Files.newInputStream(file), 65536), crc))) {
            in.skipNBytes(length);
            crc.reset(); // the checksum covers the bytes after the header only
            byte[] buffer = new byte[65536];
            while (problem == null) {
                int first = in.read();
                if (first < 0) {
                    break;
                }
                long at = in.count() - 1;
                try {
                    long count = varLong(first, in);
                    long size = varLong(in.read(), in);
                    if (count < 0 || size < 0 || size > fileSize - in.count() - 16) {
                        problem = "declares a block of " + count + " records in " + size + " bytes at byte " + at
                                + ", more than the rest of the object holds";
                        break;
                    }
                    records += count;
                    in.skipNBytes(size);
                    byte[] marker = in.readNBytes(16);
                    if (!Arrays.equals(marker, sync)) {
                        problem = "has no sync marker after the block at byte " + at;
                    }
                } catch (EOFException e) {
                    problem = "ends inside the block at byte " + at;
                }
            }
            while (in.read(buffer) >= 0) {
                // the rest still counts for the checksum
            }
        }
        return new DataBlocks(crc.getValue(), records, problem);
    }

    /** An Avro long (zig-zag varint) whose first byte was already read. */
    private static long varLong(int first, InputStream in) throws IOException {
        long value = 0;
        int shift = 0;
        for (int b = first; ; b = in.read()) {
            if (b < 0) {
                throw new EOFException();
            }
            if (shift > 63) {
                throw new EOFException(); // longer than 10 bytes: not a varint
            }
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (value >>> 1) ^ -(value & 1);
            }
            shift += 7;
        }
    }

    private static String text(Map<String, byte[]> meta, String key, String where) throws CorruptSegmentException {
        byte[] value = meta.get(key);
        if (value == null) {
            throw new CorruptSegmentException(where + " has no '" + key + "' in its header: not a Lifeboat segment, "
                    + "or a damaged one");
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
