package io.lifeboat.cli;

import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupCatalog.PartitionEntry;
import io.lifeboat.core.layout.BackupCatalog.SegmentEntry;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.BackupSetCheck;
import io.lifeboat.core.layout.HighWaterMarks;
import io.lifeboat.core.layout.OffsetGap;
import io.lifeboat.core.layout.PartitionChain;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.metadata.MetadataSnapshot;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.CorruptSegmentException;
import io.lifeboat.core.segment.SegmentFetcher;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lifeboat verify}: reads every segment of a backup set with the segment reader (header,
 * checksum, record count, offsets in range and order), checks that the timestamps match what the key
 * says, and applies the backup set's rules ({@link BackupSetCheck}, the ones the restore applies): no
 * segment missing between two others, before the oldest or at the newest end of a partition (the
 * backup's high-water marks), and no object in the layout's folders that is not part of it.
 * Prints OK or the precise problem per segment; recorded gaps (HOLE), folder placeholders and missing
 * partition markers are reported but are no problem, since a restore restores the set all the same.
 * The newest metadata snapshot is decoded: an unreadable one is a problem (UNREADABLE), none at all
 * a note; metadata objects are never reported as strays.
 * Exits 1 when anything is wrong. Whatever a restore of the whole set would refuse, verify reports;
 * whatever verify passes, a restore restores. Verify is the stricter of the two: it also reads
 * segments that a restore skips (wholly overlapped by a replayed one) and checks every segment's
 * timestamps against its key. A store that cannot be read (unreachable, access refused) is not a
 * verdict on the set: verify stops with exit code 3.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = LifeboatCommand.Version.class,
        description = {"Read and check every segment of a backup set (checksums, counts, offsets, timestamps, gaps) "
                + "and the rules a restore applies.", "Exit 1 on any problem, 3 when the store cannot be read."})
public final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    LifeboatCommand lifeboat;

    @Mixin
    StoreOptions store;

    @Option(names = "--quiet", description = "print only problems")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        try (ObjectStore opened = store.open()) {
            return verify(opened, store.layout(), quiet, lifeboat.out);
        }
    }

    /** Verifies the backup set; returns the exit code. */
    public static int verify(ObjectStore store, BackupLayout layout, boolean quiet, PrintStream out) throws IOException {
        // Marks first: a backup still running stores segments that a later read of the marks would
        // count while the listing below misses them.
        Map<TopicPartition, HighWaterMarks.Mark> marks = HighWaterMarks.readAll(store, layout);
        BackupCatalog catalog = BackupCatalog.load(store, layout);
        BackupSetCheck check = BackupSetCheck.of(catalog, marks);
        out.println("Verifying backup set " + catalog.description());
        if (catalog.isEmpty()) {
            out.println("EMPTY    no partition markers and no segments here: wrong root, bucket or prefix?");
            return 1;
        }
        SegmentFetcher fetcher = new SegmentFetcher(store, layout, Path.of(System.getProperty("java.io.tmpdir")));
        int segments = 0;
        int problems = 0;
        long records = 0;
        for (PartitionChain chain : check.chains().values()) {
            TopicPartition tp = chain.partition();
            PartitionEntry partition = catalog.partitions(tp.topic()).get(tp.partition());
            for (SegmentEntry segment : partition == null ? List.<SegmentEntry>of() : partition.segments()) {
                segments++;
                try {
                    long n = check(fetcher, segment);
                    records += n;
                    if (!quiet) {
                        out.println("OK       " + segment.key() + " (" + n + " records)");
                    }
                } catch (CorruptSegmentException e) {
                    problems++;
                    out.println("CORRUPT  " + segment.key() + ": " + e.getMessage());
                }
            }
            for (PartitionChain.Break missing : chain.breaks()) {
                problems++;
                out.println("MISSING  " + tp + ": " + missing.describe());
            }
            for (OffsetGap gap : chain.gaps()) {
                out.println("HOLE     " + gap.describe() + " were never delivered to the backup (" + layout.gapKey(gap)
                        + "); a restore writes the records before and after them");
            }
        }
        for (StoredObject object : check.unrecognized()) {
            problems++;
            out.println("STRAY    " + BackupSetCheck.unrecognizedMessage(object));
        }
        for (StoredObject object : check.placeholders()) {
            out.println("NOTE     " + object.key() + " is a folder placeholder (zero bytes, key ending with '/'): "
                    + "ignored");
        }
        problems += checkMetadata(store, layout, out);
        for (String topic : catalog.topics()) {
            List<Integer> unmarked = check.unmarkedPartitions(topic);
            if (!unmarked.isEmpty()) {
                out.println("NOTE     " + topic + " partitions " + unmarked + " have no partition marker: a restore "
                        + "restores them all the same, with " + check.partitionCount(topic) + " partitions (the highest "
                        + "seen + 1; partitions with neither a marker nor segments cannot be known)");
            }
        }
        int holes = check.gaps().size();
        out.printf("%d segments, %d records read, %d holes, %d problems: %s%n", segments, records, holes, problems,
                problems == 0 ? "OK" : "CORRUPT");
        return problems == 0 ? 0 : 1;
    }

    /**
     * Decodes the newest metadata snapshot: an unreadable one is a problem (a restore takes topic settings
     * and consumer-group offsets from it); none at all is a note. Metadata objects are never strays.
     * Returns the problems found (0 or 1).
     */
    private static int checkMetadata(ObjectStore store, BackupLayout layout, PrintStream out) throws IOException {
        MetadataStatus status = MetadataStatus.read(store, layout);
        if (status.newest().isEmpty()) {
            out.println("NOTE     no metadata snapshots under " + layout.metadataPrefix() + ": the backup connector has no "
                    + "source.cluster.bootstrap.servers, so a restore creates topics with their partition counts only "
                    + "and cannot reposition consumer groups");
            return 0;
        }
        if (status.problem().isPresent()) {
            out.println("UNREADABLE " + status.problem().get() + " (the newest metadata snapshot, which a restore takes "
                    + "topic settings and consumer-group offsets from; a newer snapshot replaces it within "
                    + "metadata.interval.ms while the backup runs)");
            return 1;
        }
        MetadataSnapshot snapshot = status.snapshot().orElseThrow();
        out.println("METADATA " + status.newest().get().key() + " (newest snapshot, taken "
                + Instant.ofEpochMilli(snapshot.takenAt()) + ": " + snapshot.topics().size() + " topics, "
                + snapshot.groups().size() + " consumer groups)");
        return 0;
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
            throw new CorruptSegmentException("the records span offsets " + firstOffset + ".." + lastOffset + ", the key says "
                    + d.firstOffset() + ".." + d.lastOffset());
        }
        long expectedMin = count == 0 || minTs == Long.MAX_VALUE ? SegmentDescriptor.NONE : minTs;
        long expectedMax = count == 0 || maxTs == Long.MIN_VALUE ? SegmentDescriptor.NONE : maxTs;
        if (expectedMin != d.minTimestamp() || expectedMax != d.maxTimestamp()) {
            throw new CorruptSegmentException("the records' timestamps span " + expectedMin + ".." + expectedMax
                    + ", the key says " + d.minTimestamp() + ".." + d.maxTimestamp());
        }
        return count;
    }
}
