package io.lifeboat.cli;

import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupCatalog.PartitionEntry;
import io.lifeboat.core.layout.BackupCatalog.SegmentEntry;
import io.lifeboat.core.layout.HighWaterMarks;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.SegmentFetcher;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code lifeboat verify}: reads every segment of a backup set with the segment reader (header,
 * checksum, record count, offsets in range and order), checks that the timestamps match what the key
 * says, and that no segment is missing between two others (each names its predecessor's last offset)
 * or at the newest end of a partition (the backup's high-water marks).
 * Prints OK or the precise problem per segment; exits 1 when anything is wrong.
 */
public final class VerifyCommand {

    private VerifyCommand() {
    }

    public static int run(Args args, PrintStream out) throws Exception {
        StoreOptions options = StoreOptions.from(args);
        boolean quiet = args.flag("quiet");
        int segments = 0;
        int problems = 0;
        long records = 0;
        try (ObjectStore store = options.open()) {
            // Marks first: a backup still running stores segments that a later read of the marks would
            // count while the listing below misses them.
            Map<TopicPartition, HighWaterMarks.Mark> marks = HighWaterMarks.readAll(store, options.layout());
            BackupCatalog catalog = BackupCatalog.load(store, options.layout());
            out.println("Verifying backup set " + catalog.description());
            if (catalog.isEmpty()) {
                out.println("EMPTY    no partition markers and no segments here: wrong root, bucket or prefix?");
                return 1;
            }
            SegmentFetcher fetcher = new SegmentFetcher(store, options.layout(),
                    Path.of(System.getProperty("java.io.tmpdir")));
            for (String topic : catalog.topics()) {
                for (PartitionEntry partition : catalog.partitions(topic).values()) {
                    Set<Long> segmentEnds = new HashSet<>();
                    partition.segments().forEach(s -> segmentEnds.add(s.descriptor().lastOffset()));
                    for (SegmentEntry segment : partition.segments()) {
                        segments++;
                        SegmentDescriptor d = segment.descriptor();
                        if (d.hasPrevious() && !segmentEnds.contains(d.previousLastOffset())) {
                            problems++;
                            out.println("GAP      " + segment.key() + ": follows a segment that ended at offset "
                                    + d.previousLastOffset() + ", and no segment in the store ends there "
                                    + "(a segment is missing)");
                        }
                        try {
                            long n = check(fetcher, segment);
                            records += n;
                            if (!quiet) {
                                out.println("OK       " + segment.key() + " (" + n + " records)");
                            }
                        } catch (IOException e) {
                            problems++;
                            out.println("CORRUPT  " + segment.key() + ": " + e.getMessage());
                        }
                    }
                }
            }
            problems += checkHighWaterMarks(catalog, marks, out);
            for (StoredObject object : catalog.unrecognized()) {
                out.println("WARNING  " + object.key() + " is not a segment or partition marker of this layout");
            }
        }
        out.printf("%d segments, %d records read, %d problems: %s%n", segments, records, problems,
                problems == 0 ? "OK" : "CORRUPT");
        return problems == 0 ? 0 : 1;
    }

    /** Partitions whose stored segments end before what the backup recorded as stored: newest segments gone. */
    static int checkHighWaterMarks(BackupCatalog catalog, Map<TopicPartition, HighWaterMarks.Mark> marks,
                                           PrintStream out) {
        int problems = 0;
        for (var entry : marks.entrySet().stream().sorted(Map.Entry.comparingByKey(
                Comparator.comparing(TopicPartition::toString))).toList()) {
            TopicPartition tp = entry.getKey();
            PartitionEntry partition = catalog.partitions(tp.topic()).get(tp.partition());
            long stored = partition == null ? -1 : partition.segments().stream()
                    .mapToLong(segment -> segment.descriptor().lastOffset()).max().orElse(-1);
            if (stored < entry.getValue().lastOffset()) {
                problems++;
                out.println("MISSING  " + tp + ": " + entry.getValue().objectKey() + " records offset "
                        + entry.getValue().lastOffset() + " as stored, but the newest segment "
                        + (stored < 0 ? "does not exist" : "ends at offset " + stored)
                        + " (the newest segments are missing)");
            }
        }
        return problems;
    }

    /** Reads the whole segment and returns its record count; throws with the problem otherwise. */
    private static long check(SegmentFetcher fetcher, SegmentEntry segment) throws IOException {
        SegmentDescriptor d = segment.descriptor();
        long count = 0;
        long minTs = Long.MAX_VALUE;
        long maxTs = Long.MIN_VALUE;
        long firstOffset = -1;
        long lastOffset = -1;
        try (SegmentFetcher.FetchedSegment local = fetcher.fetch(d)) {
            for (BackupRecord r = local.reader().next(); r != null; r = local.reader().next()) {
                if (count++ == 0) {
                    firstOffset = r.offset();
                }
                lastOffset = r.offset();
                if (r.timestamp() != null && r.timestamp() >= 0) {
                    minTs = Math.min(minTs, r.timestamp());
                    maxTs = Math.max(maxTs, r.timestamp());
                }
            }
        }
        if (firstOffset != d.firstOffset() || lastOffset != d.lastOffset()) {
            throw new IOException("the records span offsets " + firstOffset + ".." + lastOffset + ", the key says "
                    + d.firstOffset() + ".." + d.lastOffset());
        }
        long expectedMin = count == 0 || minTs == Long.MAX_VALUE ? SegmentDescriptor.NONE : minTs;
        long expectedMax = count == 0 || maxTs == Long.MIN_VALUE ? SegmentDescriptor.NONE : maxTs;
        if (expectedMin != d.minTimestamp() || expectedMax != d.maxTimestamp()) {
            throw new IOException("the records' timestamps span " + expectedMin + ".." + expectedMax
                    + ", the key says " + d.minTimestamp() + ".." + d.maxTimestamp());
        }
        return count;
    }
}
