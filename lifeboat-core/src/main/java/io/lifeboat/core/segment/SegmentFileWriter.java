package io.lifeboat.core.segment;

import io.lifeboat.core.layout.SegmentDescriptor;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Turns a closed {@link SegmentSpool} into a segment file of format v1 (see {@link SegmentFormat}).
 *
 * <p>The header carries the checksum of the bytes that follow it. It is first written with a
 * placeholder of the same width; once the data blocks are written and their CRC-32C is known, the
 * header is written again over the first, which cannot change its length because every metadata
 * value has the same width as before.
 */
public final class SegmentFileWriter {

    /** Uncompressed bytes per Avro block. */
    static final int BLOCK_SIZE = 256 * 1024;

    private final SegmentCompression compression;

    public SegmentFileWriter(SegmentCompression compression) {
        this.compression = compression;
    }

    /** Writes the spool's records into {@code target} (replacing it) and returns the segment's descriptor. */
    public SegmentDescriptor write(SegmentSpool spool, Path target) throws IOException {
        SegmentDescriptor segment = spool.descriptor();
        Map<String, String> meta = metadata(segment, spool.recordCount(), SegmentFormat.CRC_PLACEHOLDER);
        byte[] sync = SegmentFormat.syncMarker(segment.topic(), segment.partition(), segment.firstOffset());

        CrcCountingOutputStream counting = new CrcCountingOutputStream(
                new BufferedOutputStream(Files.newOutputStream(target), 65536));
        long headerLength;
        try (DataFileWriter<EncodedDatum> writer = newWriter(meta)) {
            writer.create(SegmentFormat.SCHEMA_V1, counting, sync);
            writer.flush();
            headerLength = counting.count();
            counting.startChecksum();
            EncodedDatum datum = new EncodedDatum();
            spool.forEachEncoded((bytes, offset, length) -> writer.append(datum.of(bytes, offset, length)));
        } finally {
            counting.close();
        }
        long crc = counting.checksum();

        byte[] header = header(metadata(segment, spool.recordCount(), String.format("%08x", crc)), sync);
        if (header.length != headerLength) {
            throw new IllegalStateException("segment header changed length from " + headerLength + " to " + header.length);
        }
        try (RandomAccessFile file = new RandomAccessFile(target.toFile(), "rw")) {
            file.write(header);
        }
        return segment;
    }

    private DataFileWriter<EncodedDatum> newWriter(Map<String, String> meta) {
        DataFileWriter<EncodedDatum> writer = new DataFileWriter<>(new EncodedDatumWriter());
        writer.setCodec(compression.codec());
        writer.setSyncInterval(BLOCK_SIZE);
        meta.forEach(writer::setMeta);
        return writer;
    }

    private byte[] header(Map<String, String> meta, byte[] sync) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataFileWriter<EncodedDatum> writer = newWriter(meta)) {
            writer.create(SegmentFormat.SCHEMA_V1, bytes, sync);
            writer.flush();
        }
        return bytes.toByteArray();
    }

    private static Map<String, String> metadata(SegmentDescriptor segment, long count, String crc) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(SegmentFormat.META_FORMAT_VERSION, Integer.toString(SegmentFormat.VERSION));
        meta.put(SegmentFormat.META_TOPIC, segment.topic());
        meta.put(SegmentFormat.META_PARTITION, Integer.toString(segment.partition()));
        meta.put(SegmentFormat.META_FIRST_OFFSET, Long.toString(segment.firstOffset()));
        meta.put(SegmentFormat.META_LAST_OFFSET, Long.toString(segment.lastOffset()));
        meta.put(SegmentFormat.META_RECORD_COUNT, Long.toString(count));
        meta.put(SegmentFormat.META_CRC32C, crc);
        return meta;
    }

    /** One record's datum as the spool holds it: already the Avro encoding of a {@link SegmentFormat#SCHEMA_V1} record. */
    private static final class EncodedDatum {
        private byte[] bytes;
        private int offset;
        private int length;

        EncodedDatum of(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
            return this;
        }
    }

    /**
     * Writes an {@link EncodedDatum} as it is: the bytes Avro's {@code appendEncoded} would add to the
     * block, without the copy into a fresh array it makes of every datum handed over in a buffer.
     */
    private static final class EncodedDatumWriter implements DatumWriter<EncodedDatum> {
        @Override
        public void setSchema(Schema schema) {
        }

        @Override
        public void write(EncodedDatum datum, Encoder out) throws IOException {
            out.writeFixed(datum.bytes, datum.offset, datum.length);
        }
    }

    /** Counts bytes written and, once started, feeds them to a CRC-32C. */
    private static final class CrcCountingOutputStream extends FilterOutputStream {
        private final CRC32C crc = new CRC32C();
        private long count;
        private boolean checksumming;

        CrcCountingOutputStream(OutputStream out) {
            super(out);
        }

        void startChecksum() {
            checksumming = true;
        }

        long count() {
            return count;
        }

        long checksum() {
            return crc.getValue();
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
            if (checksumming) {
                crc.update(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
            if (checksumming) {
                crc.update(b, off, len);
            }
        }
    }
}
