package io.lifeboat.core.segment;

import io.lifeboat.core.layout.SegmentDescriptor;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The header of a segment file, read without Avro's buffering so that its exact length is known
 * (the checksum covers the bytes after it). Checked against what the object key says.
 */
public record SegmentHeader(String topic, int partition, long firstOffset, long lastOffset, long recordCount,
                            long crc32c, String codec, long length) {

    private static final byte[] MAGIC = {'O', 'b', 'j', 1};

    static SegmentHeader read(Path file, String objectKey, SegmentDescriptor expected) throws IOException {
        String where = "segment " + objectKey + (expected == null ? "" : " (" + expected.describeRange() + ")");
        Map<String, byte[]> meta = new HashMap<>();
        long length;
        try (CountingInputStream in = new CountingInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            BinaryDecoder decoder = DecoderFactory.get().directBinaryDecoder(in, null);
            byte[] magic = new byte[4];
            decoder.readFixed(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CorruptSegmentException(where + " is not an Avro container file (bad magic bytes)");
            }
            for (long n = decoder.readMapStart(); n != 0; n = decoder.mapNext()) {
                for (long i = 0; i < n; i++) {
                    String key = decoder.readString();
                    ByteBuffer value = decoder.readBytes(null);
                    byte[] bytes = new byte[value.remaining()];
                    value.get(bytes);
                    meta.put(key, bytes);
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
            throw new CorruptSegmentException(where + " has an unreadable header: " + e.getMessage(), e);
        }
        SegmentHeader header = fromMetadata(meta, where, length);
        header.check(expected, where);
        return header;
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

    /** CRC-32C of every byte after the header. */
    long checksumOfData(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(length);
            byte[] buffer = new byte[65536];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue();
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
