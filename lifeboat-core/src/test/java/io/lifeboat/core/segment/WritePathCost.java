package io.lifeboat.core.segment;

import io.lifeboat.core.storage.FilesystemObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The CPU time one thread spends on each step of the backup's write path, without Kafka or Connect:
 * appending records to spools (what the task thread does in put()), turning each spool into a segment
 * file (what an uploader thread does: reading the spool, Avro blocks, compression, CRC-32C), and
 * handing the file to a filesystem store ({@link io.lifeboat.core.storage.ObjectStore#putMoving}), and
 * reading each segment back as a restore task does ({@link SegmentReader}: checksum scan, decompression,
 * decoding).
 * The records are the benchmark's: text-like values (1,000 bytes unless given), keys {@code key-<i>}, round-robin over
 * the partitions. Run by hand:
 * {@code java -cp ... io.lifeboat.core.segment.WritePathCost <folder> <records> <partitions> <rounds> <compression> [value bytes]};
 * the first rounds warm the JIT up.
 */
final class WritePathCost {

    private static final String[] WORDS = {"order", "payment", "customer", "shipped", "pending", "amount",
            "currency", "EUR", "warehouse", "status", "2026-11-26T10:00:00Z", "id", "sku", "quantity", "discount", "null"};

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0]);
        int records = Integer.parseInt(args[1]);
        int partitions = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        SegmentCompression compression = SegmentCompression.fromConfigName(args[4]);
        Path spoolDir = Files.createDirectories(folder.resolve("spool"));
        FilesystemObjectStore store = new FilesystemObjectStore(folder.resolve("store"));
        int valueBytes = args.length > 5 ? Integer.parseInt(args[5]) : 1_000;
        byte[][] values = values(1_024, valueBytes);
        byte[][] keys = new byte[records][];
        for (int i = 0; i < records; i++) {
            keys[i] = String.format("key-%010d", i).getBytes(StandardCharsets.UTF_8);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        SegmentFileWriter writer = new SegmentFileWriter(compression);
        for (int round = 0; round < rounds; round++) {
            OpenSpoolFiles openFiles = new OpenSpoolFiles(OpenSpoolFiles.DEFAULT_MAX_OPEN);
            RecordEncoder encoder = new RecordEncoder();
            SegmentSpool[] spools = new SegmentSpool[partitions];
            long start = threads.getCurrentThreadCpuTime();
            for (int p = 0; p < partitions; p++) {
                spools[p] = new SegmentSpool(spoolDir, new TopicPartition("bench.data", p), -1, 0, openFiles);
            }
            for (int i = 0; i < records; i++) {
                int p = i % partitions;
                spools[p].append(new BackupRecord("bench.data", p, round * (long) records + i / partitions,
                        1_796_229_767_633L + i, TimestampType.CREATE_TIME, keys[i],
                        values[(int) (((long) i * 31 + i / values.length) % values.length)], List.of()), encoder);
            }
            long spooled = threads.getCurrentThreadCpuTime();
            long encodeNanos = 0;
            long storeNanos = 0;
            long readNanos = 0;
            long stored = 0;
            long read = 0;
            for (int p = 0; p < partitions; p++) {
                Path file = Files.createTempFile(spoolDir, "segment-", ".avro");
                long before = threads.getCurrentThreadCpuTime();
                writer.write(spools[p], file);
                long written = threads.getCurrentThreadCpuTime();
                stored += Files.size(file);
                String key = "round-" + round + "/" + p + ".avro";
                store.putMoving(key, file);
                long put = threads.getCurrentThreadCpuTime();
                storeNanos += put - written;
                encodeNanos += written - before;
                spools[p].close();
                try (SegmentReader reader = SegmentReader.open(folder.resolve("store").resolve(key), key, null)) {
                    while (reader.next() != null) {
                        read++;
                    }
                }
                readNanos += threads.getCurrentThreadCpuTime() - put;
            }
            if (read != records) {
                throw new IllegalStateException("read back " + read + " of " + records + " records");
            }
            System.out.printf("round %d: spool %d ms, segment files %d ms, store %d ms, read back %d ms of CPU; "
                    + "%,d bytes stored%n", round, (spooled - start) / 1_000_000, encodeNanos / 1_000_000,
                    storeNanos / 1_000_000, readNanos / 1_000_000, stored);
        }
    }

    /** Text-like values from a small vocabulary, as the benchmark's, so they compress as real payloads do. */
    private static byte[][] values(int count, int bytes) {
        Random random = new Random(7);
        byte[][] values = new byte[count][];
        for (int v = 0; v < count; v++) {
            StringBuilder value = new StringBuilder(bytes + 32);
            while (value.length() < bytes) {
                value.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(1000)).append(' ');
            }
            value.setLength(bytes);
            values[v] = value.toString().getBytes(StandardCharsets.UTF_8);
        }
        return values;
    }

    private WritePathCost() {
    }
}
