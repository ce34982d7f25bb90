package io.lifeboat.core.segment;

import io.lifeboat.core.layout.SegmentDescriptor;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a segment file that has been copied to local disk. {@link #open} verifies the whole file
 * before the first record is handed out: the header's format version and metadata (against the
 * object key, when given), the CRC-32C of the data blocks, and the record count the header declares
 * against the sum of the blocks' record counts. While reading, each record is checked to belong to
 * the segment's partition and range, in ascending offset order, and the count is checked again at
 * the end. Any failure is a {@link CorruptSegmentException} that names the object
 * key and the offsets affected.
 */
public final class SegmentReader implements AutoCloseable {

    private final String objectKey;
    private final SegmentHeader header;
    private final DataFileStream<BackupRecord> stream;
    /** The segment as messages name it, built once: next() runs for every record. */
    private final String where;
    private long read;
    private long lastOffset = -1;

    private SegmentReader(String objectKey, SegmentHeader header, DataFileStream<BackupRecord> stream) {
        this.objectKey = objectKey;
        this.header = header;
        this.stream = stream;
        this.where = describe(objectKey, header);
    }

    /**
     * @param objectKey the object the file was copied from, for messages
     * @param expected  what the object key says about the segment, or null when unknown
     */
    public static SegmentReader open(Path file, String objectKey, SegmentDescriptor expected) throws IOException {
        SegmentHeader header = SegmentHeader.read(file, objectKey, expected);
        String where = describe(objectKey, header);
        SegmentHeader.DataBlocks blocks = header.scanData(file);
        if (blocks.crc32c() != header.crc32c()) {
            throw new CorruptSegmentException(where + " failed its checksum (stored "
                    + String.format("%08x", header.crc32c()) + ", computed " + String.format("%08x", blocks.crc32c())
                    + "): the object is truncated or damaged; none of its records were read");
        }
        if (blocks.structureProblem() != null) {
            throw new CorruptSegmentException(where + " " + blocks.structureProblem() + ": it is not a Lifeboat "
                    + "segment, or a damaged one; none of its records were read");
        }
        if (blocks.records() != header.recordCount()) {
            throw new CorruptSegmentException(where + " holds " + blocks.records() + " records in its blocks, its "
                    + "header says " + header.recordCount() + ": none of its records were read");
        }
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536);
        try {
            return new SegmentReader(objectKey, header, new DataFileStream<>(in, new RecordDatumReader(where)));
        } catch (IOException | AvroRuntimeException e) {
            in.close();
            throw new CorruptSegmentException(where + " cannot be decoded: " + e.getMessage(), e);
        }
    }

    public SegmentHeader header() {
        return header;
    }

    /** The next record, or null after the last one (when the count has been checked). */
    public BackupRecord next() throws CorruptSegmentException {
        try {
            if (!stream.hasNext()) {
                if (read != header.recordCount() || lastOffset != header.lastOffset()) {
                    throw new CorruptSegmentException(where + " holds " + read + " records up to offset " + lastOffset
                            + ", its header says " + header.recordCount() + " up to " + header.lastOffset());
                }
                return null;
            }
            BackupRecord record = stream.next();
            read++;
            if (!record.topic().equals(header.topic()) || record.partition() != header.partition()) {
                throw new CorruptSegmentException(where + " holds a record of " + record.topic() + "-"
                        + record.partition() + " at offset " + record.offset());
            }
            if (record.offset() <= lastOffset || record.offset() < header.firstOffset()
                    || record.offset() > header.lastOffset() || read == 1 && record.offset() != header.firstOffset()) {
                throw new CorruptSegmentException(where + " holds offset " + record.offset() + " after offset "
                        + lastOffset + ", outside ascending order or its range");
            }
            lastOffset = record.offset();
            return record;
        } catch (AvroRuntimeException e) {
            throw new CorruptSegmentException(where + " cannot be decoded after offset " + lastOffset + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }

    static String describe(String objectKey, SegmentHeader header) {
        return "segment " + objectKey + " (" + header.topic() + "-" + header.partition() + " offsets "
                + header.firstOffset() + ".." + header.lastOffset() + ")";
    }

    /** Decodes records field by field, after checking that the file's schema is format v1's. */
    private static final class RecordDatumReader implements DatumReader<BackupRecord> {
        private final String where;

        RecordDatumReader(String where) {
            this.where = where;
        }

        @Override
        public void setSchema(Schema schema) {
            if (!SegmentFormat.SCHEMA_V1.equals(schema)) {
                throw new AvroRuntimeException(where + " has a schema other than segment format v1's: " + schema);
            }
        }

        @Override
        public BackupRecord read(BackupRecord reuse, Decoder in) throws IOException {
            try {
                return RecordCodec.decode(in);
            } catch (EOFException e) {
                throw new AvroRuntimeException("record ends early", e);
            } catch (IOException e) {
                throw new AvroRuntimeException(e.getMessage(), e);
            }
        }
    }
}
