package io.lifeboat.core.segment;

import io.lifeboat.core.layout.SegmentDescriptor;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentRoundTripTest {

    private static final TopicPartition TP = new TopicPartition("orders.v1", 3);

    @TempDir
    Path dir;

    static List<BackupRecord> awkwardRecords() {
        Random random = new Random(42);
        byte[] big = new byte[900_000];
        random.nextBytes(big);
        List<BackupRecord> records = new ArrayList<>();
        records.add(record(100, null, null, List.of()));
        records.add(record(101, new byte[0], new byte[0], List.of()));
        records.add(record(102, "k".getBytes(StandardCharsets.UTF_8), null, List.of()));
        records.add(record(105, "k2".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8), List.of(
                new BackupHeader("dup", "1".getBytes(StandardCharsets.UTF_8)),
                new BackupHeader("dup", "2".getBytes(StandardCharsets.UTF_8)),
                new BackupHeader("nullh", null),
                new BackupHeader("emptyh", new byte[0]),
                new BackupHeader("ключ-🔑", new byte[]{0, -1, 127}))));
        records.add(new BackupRecord(TP.topic(), TP.partition(), 106, null, TimestampType.NO_TIMESTAMP_TYPE,
                null, new byte[]{1}, List.of()));
        records.add(new BackupRecord(TP.topic(), TP.partition(), 107, 1_700_000_000_123L, TimestampType.LOG_APPEND_TIME,
                new byte[]{2}, big, List.of()));
        for (int i = 0; i < 2000; i++) {
            byte[] v = new byte[random.nextInt(300)];
            random.nextBytes(v);
            records.add(record(200 + i, ("key-" + i).getBytes(StandardCharsets.UTF_8), v, List.of()));
        }
        return records;
    }

    static BackupRecord record(long offset, byte[] key, byte[] value, List<BackupHeader> headers) {
        return new BackupRecord(TP.topic(), TP.partition(), offset, 1_600_000_000_000L + offset,
                TimestampType.CREATE_TIME, key, value, headers);
    }

    private Path writeSegment(List<BackupRecord> records, SegmentCompression compression, String name) throws IOException {
        Path target = dir.resolve(name);
        try (SegmentSpool spool = new SegmentSpool(Files.createDirectories(dir.resolve("spool")), TP, 99, 0)) {
            RecordEncoder encoder = new RecordEncoder();
            for (BackupRecord r : records) {
                spool.append(r, encoder);
            }
            SegmentDescriptor d = new SegmentFileWriter(compression).write(spool, target);
            assertEquals(records.get(0).offset(), d.firstOffset());
            assertEquals(records.get(records.size() - 1).offset(), d.lastOffset());
            assertEquals(99, d.previousLastOffset());
        }
        return target;
    }

    private static List<BackupRecord> readAll(Path file, SegmentDescriptor expected) throws IOException {
        List<BackupRecord> out = new ArrayList<>();
        try (SegmentReader reader = SegmentReader.open(file, "test-key", expected)) {
            for (BackupRecord r = reader.next(); r != null; r = reader.next()) {
                out.add(r);
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(SegmentCompression.class)
    void roundTripsEveryFieldByteForByte(SegmentCompression compression) throws IOException {
        List<BackupRecord> records = awkwardRecords();
        Path file = writeSegment(records, compression, "seg-" + compression);
        List<BackupRecord> back = readAll(file, null);
        assertEquals(records.size(), back.size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(records.get(i), back.get(i), "record " + i);
        }
        BackupRecord nulls = back.get(0);
        assertNull(nulls.key());
        assertNull(nulls.value());
        assertArrayEquals(new byte[0], back.get(1).key());
        assertArrayEquals(new byte[0], back.get(1).value());
        assertEquals(5, back.get(3).headers().size());
        assertNull(back.get(3).headers().get(2).value());
        assertNull(back.get(4).timestamp());
        assertEquals(TimestampType.LOG_APPEND_TIME, back.get(5).timestampType());
    }

    @Test
    void sameRecordsGiveSameBytes() throws IOException {
        List<BackupRecord> records = awkwardRecords();
        Path a = writeSegment(records, SegmentCompression.ZSTD, "a");
        Path b = writeSegment(records, SegmentCompression.ZSTD, "b");
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void standardAvroReaderReadsTheSegment() throws IOException {
        List<BackupRecord> records = awkwardRecords();
        Path file = writeSegment(records, SegmentCompression.SNAPPY, "plain");
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
            assertEquals("1", reader.getMetaString(SegmentFormat.META_FORMAT_VERSION));
            assertEquals(Long.toString(records.size()), reader.getMetaString(SegmentFormat.META_RECORD_COUNT));
            int n = 0;
            for (GenericRecord r : reader) {
                BackupRecord original = records.get(n++);
                assertEquals(original.offset(), r.get("offset"));
                ByteBuffer value = (ByteBuffer) r.get("value");
                if (original.value() == null) {
                    assertNull(value);
                } else {
                    byte[] bytes = new byte[value.remaining()];
                    value.get(bytes);
                    assertArrayEquals(original.value(), bytes);
                }
            }
            assertEquals(records.size(), n);
        }
    }

    @Test
    void everyFlippedBitInTheDataIsAnError() throws IOException {
        Path file = writeSegment(awkwardRecords().subList(0, 50), SegmentCompression.NONE, "flip");
        long headerLength = SegmentHeader.read(file, "k", null).length();
        long size = Files.size(file);
        Random random = new Random(7);
        for (int i = 0; i < 40; i++) {
            Path copy = dir.resolve("flip-" + i);
            Files.copy(file, copy);
            long position = headerLength + (long) (random.nextDouble() * (size - headerLength));
            flipBit(copy, position, random.nextInt(8));
            CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> readAll(copy, null),
                    "flip at byte " + position);
            assertTrue(e.getMessage().contains("test-key"), e.getMessage());
            assertTrue(e.getMessage().contains("offsets 100.."), e.getMessage());
        }
    }

    @Test
    void flippedBitsInTheHeaderAreErrors() throws IOException {
        Path file = writeSegment(awkwardRecords().subList(0, 50), SegmentCompression.ZSTD, "hflip");
        long headerLength = SegmentHeader.read(file, "k", null).length();
        for (long position = 0; position < headerLength; position += 7) {
            Path copy = dir.resolve("hflip-" + position);
            Files.copy(file, copy);
            flipBit(copy, position, (int) (position % 8));
            SegmentDescriptor expected = new SegmentDescriptor(TP.topic(), TP.partition(), 100, 249, 99,
                    SegmentDescriptor.NONE, SegmentDescriptor.NONE);
            long at = position;
            assertThrows(IOException.class, () -> readAll(copy, expected), "flip at header byte " + at);
        }
    }

    @Test
    void truncatedSegmentIsAnError() throws IOException {
        Path file = writeSegment(awkwardRecords(), SegmentCompression.ZSTD, "trunc");
        for (long keep : new long[]{10, Files.size(file) / 2, Files.size(file) - 1}) {
            Path copy = dir.resolve("trunc-" + keep);
            Files.copy(file, copy);
            try (RandomAccessFile raf = new RandomAccessFile(copy.toFile(), "rw")) {
                raf.setLength(keep);
            }
            CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> readAll(copy, null));
            assertTrue(e.getMessage().contains("test-key"), e.getMessage());
        }
    }

    @Test
    void keyThatDisagreesWithContentIsAnError() throws IOException {
        Path file = writeSegment(awkwardRecords().subList(0, 3), SegmentCompression.ZSTD, "mismatch");
        SegmentDescriptor other = new SegmentDescriptor(TP.topic(), TP.partition(), 100, 105, 99,
                SegmentDescriptor.NONE, SegmentDescriptor.NONE);
        CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> readAll(file, other));
        assertTrue(e.getMessage().contains("not what its key says"), e.getMessage());
    }

    @Test
    void aHeaderCountThatDisagreesWithTheBlocksFailsAtOpenBeforeAnyRecord() throws IOException {
        List<BackupRecord> records = new ArrayList<>();
        for (long o = 0; o < 5; o++) {
            records.add(record(100 + o, null, new byte[]{(byte) o}, List.of()));
        }
        Path file = writeSegment(records, SegmentCompression.ZSTD, "count");
        // "lifeboat.record.count" -> "5" becomes "4": the header stays well formed, the checksum (of the
        // data after the header) still matches, only the blocks' counts tell.
        byte[] bytes = Files.readAllBytes(file);
        byte[] key = SegmentFormat.META_RECORD_COUNT.getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bytes, key) + key.length;
        assertEquals(2, bytes[at], "a one-character value");
        assertEquals('5', bytes[at + 1]);
        bytes[at + 1] = '4';
        Files.write(file, bytes);

        CorruptSegmentException e = assertThrows(CorruptSegmentException.class,
                () -> SegmentReader.open(file, "set/segments/orders.v1/000003/count.avro", null).close());
        assertTrue(e.getMessage().contains("set/segments/orders.v1/000003/count.avro"), e.getMessage());
        assertTrue(e.getMessage().contains("holds 5 records in its blocks, its header says 4"), e.getMessage());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private static void flipBit(Path file, long position, int bit) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ (1 << bit));
        }
    }
}
