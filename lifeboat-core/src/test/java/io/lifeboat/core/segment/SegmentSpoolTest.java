package io.lifeboat.core.segment;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentSpoolTest {

    private static final TopicPartition TP = new TopicPartition("orders.v1", 3);
    private static final TopicPartition OTHER = new TopicPartition("orders.v1", 4);

    @TempDir
    Path dir;

    /** Values whose datums end just before, at and after the write buffer's end, and span several buffers. */
    private static List<BackupRecord> recordsAroundTheBufferSize(TopicPartition partition) {
        Random random = new Random(11);
        List<BackupRecord> records = new ArrayList<>();
        int large = OpenSpoolFiles.WRITE_BUFFER;
        int small = OpenSpoolFiles.SMALL_WRITE_BUFFER;
        int[] sizes = {0, 1, large - 40, large - 4, large, large + 1, 3 * large + 5, 7, 1000, 2 * large,
                small - 40, small - 4, small, small + 1, 3 * small + 5};
        long offset = 10;
        for (int round = 0; round < 3; round++) {
            for (int size : sizes) {
                byte[] value = new byte[size];
                random.nextBytes(value);
                records.add(new BackupRecord(partition.topic(), partition.partition(), offset++, 1_600_000_000_000L,
                        TimestampType.CREATE_TIME, null, value, List.of()));
            }
        }
        return records;
    }

    @Test
    void replaysExactlyTheEncodedRecordsWhateverTheirSize() throws IOException {
        List<BackupRecord> records = recordsAroundTheBufferSize(TP);
        try (SegmentSpool spool = new SegmentSpool(dir, TP, -1, 0)) {
            RecordEncoder encoder = new RecordEncoder();
            for (BackupRecord record : records) {
                spool.append(record, encoder);
            }
            assertEquals(encodings(records), replay(spool));
        }
    }

    @Test
    void spoolsSharingOneOpenFileKeepTheirOwnRecordsAcrossReopens() throws IOException {
        OpenSpoolFiles oneOpen = new OpenSpoolFiles(1);
        List<BackupRecord> mine = recordsAroundTheBufferSize(TP);
        List<BackupRecord> theirs = recordsAroundTheBufferSize(OTHER);
        try (SegmentSpool a = new SegmentSpool(dir, TP, -1, 0, oneOpen);
             SegmentSpool b = new SegmentSpool(dir, OTHER, -1, 0, oneOpen)) {
            RecordEncoder encoder = new RecordEncoder();
            for (int i = 0; i < mine.size(); i++) {
                a.append(mine.get(i), encoder); // each append closes the other spool's file and lends its buffer
                b.append(theirs.get(i), encoder);
                assertEquals(1, oneOpen.openCount());
            }
            assertEquals(encodings(mine), replay(a));
            assertEquals(encodings(theirs), replay(b));
        }
    }

    @Test
    void manyOpenSpoolsKeepTheirRecordsWithinTheBufferBound() throws IOException {
        OpenSpoolFiles openFiles = new OpenSpoolFiles(OpenSpoolFiles.DEFAULT_MAX_OPEN);
        int count = OpenSpoolFiles.DEFAULT_MAX_OPEN + 20; // more than may be open: the eldest are closed and reopened
        List<SegmentSpool> spools = new ArrayList<>();
        List<List<BackupRecord>> written = new ArrayList<>();
        RecordEncoder encoder = new RecordEncoder();
        try {
            for (int p = 0; p < count; p++) {
                TopicPartition partition = new TopicPartition("wide", p);
                spools.add(new SegmentSpool(dir, partition, -1, 0, openFiles));
                written.add(p % 16 == 0 ? recordsAroundTheBufferSize(partition) : smallRecords(partition));
            }
            for (int round = 0; round < 45; round++) {
                for (int p = 0; p < count; p++) {
                    if (round < written.get(p).size()) {
                        spools.get(p).append(written.get(p).get(round), encoder);
                    }
                }
                assertTrue(openFiles.bufferBytes() <= OpenSpoolFiles.MAX_BUFFER_BYTES,
                        openFiles.bufferBytes() + " bytes of write buffers");
            }
            assertEquals(OpenSpoolFiles.DEFAULT_MAX_OPEN, openFiles.openCount());
            for (int p = 0; p < count; p++) {
                assertEquals(encodings(written.get(p)), replay(spools.get(p)), "partition " + p);
            }
            assertTrue(openFiles.bufferBytes() <= OpenSpoolFiles.MAX_BUFFER_BYTES);
        } finally {
            for (SegmentSpool spool : spools) {
                spool.close();
            }
        }
    }

    private static List<BackupRecord> smallRecords(TopicPartition partition) {
        List<BackupRecord> records = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            records.add(new BackupRecord(partition.topic(), partition.partition(), i, null, TimestampType.NO_TIMESTAMP_TYPE,
                    null, new byte[i * 37], List.of()));
        }
        return records;
    }

    @Test
    void aSpoolFileRemovedWhileClosedIsNotCreatedAgain() throws IOException {
        OpenSpoolFiles oneOpen = new OpenSpoolFiles(1);
        RecordEncoder encoder = new RecordEncoder();
        List<BackupRecord> records = recordsAroundTheBufferSize(TP);
        try (SegmentSpool a = new SegmentSpool(dir, TP, -1, 0, oneOpen);
             SegmentSpool b = new SegmentSpool(dir, OTHER, -1, 0, oneOpen)) {
            a.append(records.get(0), encoder);
            b.append(recordsAroundTheBufferSize(OTHER).get(0), encoder);
            Files.delete(a.file());
            assertThrows(NoSuchFileException.class, () -> a.append(records.get(1), encoder));
        }
    }

    /**
     * The bytes of a v1 segment of {@link SegmentRoundTripTest#awkwardRecords()}, as this code wrote them
     * before the spool's writer changed: the same records still give the same segment. Uncompressed
     * bytes are fixed by the format alone; zstd's are also fixed by the zstd-jni version (an upgrade
     * that changes them is no format change, but then segments rewritten after a restart differ from
     * the ones stored before it, which nothing relies on).
     */
    @Test
    void theSameRecordsGiveTheSegmentBytesTheyAlwaysGave() throws IOException {
        assertEquals("65f88bb220d363e1e611bd244aabfd2a5ceb7dd960e314b2a837da4eccab0f01",
                segmentDigest(SegmentCompression.NONE));
        assertEquals("67a94191f7a1bef5673e4de7af722ad0956627c1d5c1b20964145e632b0ed009",
                segmentDigest(SegmentCompression.ZSTD));
    }

    private String segmentDigest(SegmentCompression compression) throws IOException {
        Path target = dir.resolve("segment-" + compression);
        try (SegmentSpool spool = new SegmentSpool(dir, TP, 99, 0)) {
            RecordEncoder encoder = new RecordEncoder();
            for (BackupRecord record : SegmentRoundTripTest.awkwardRecords()) {
                spool.append(record, encoder);
            }
            new SegmentFileWriter(compression).write(spool, target);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(target)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static List<ByteBuffer> encodings(List<BackupRecord> records) throws IOException {
        List<ByteBuffer> encoded = new ArrayList<>();
        RecordEncoder encoder = new RecordEncoder();
        for (BackupRecord record : records) {
            encoder.encode(record);
            byte[] bytes = new byte[encoder.length()];
            System.arraycopy(encoder.bytes(), 0, bytes, 0, bytes.length);
            encoded.add(ByteBuffer.wrap(bytes));
        }
        return encoded;
    }

    private static List<ByteBuffer> replay(SegmentSpool spool) throws IOException {
        List<ByteBuffer> replayed = new ArrayList<>();
        spool.forEachEncoded((bytes, offset, length) ->
                replayed.add(ByteBuffer.wrap(java.util.Arrays.copyOfRange(bytes, offset, offset + length))));
        return replayed;
    }
}
