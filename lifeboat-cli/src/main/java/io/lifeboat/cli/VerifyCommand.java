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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

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
 * verdict on the set: verify stops with exit code 3. Segments are read {@code --parallel} at a time
 * (each downloaded to a temporary file, read, deleted); findings come out in the set's order whatever
 * order the reads end in. {@code --json} prints them as one document.
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

    @Option(names = "--json", description = "print one JSON document (the findings, the totals, the verdict)")
    boolean json;

    @Option(names = "--parallel", paramLabel = "N", description = "segments read at once (default: ${DEFAULT-VALUE})")
    int parallel = DEFAULT_PARALLEL;

    /** Segments read at once unless --parallel says otherwise. */
    static final int DEFAULT_PARALLEL = 4;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (parallel < 1) {
            throw new ParameterException(spec.commandLine(), "--parallel must be at least 1, got " + parallel);
        }
        try (ObjectStore opened = store.open()) {
            VerifyFindings findings = json ? VerifyFindings.json(lifeboat.out, quiet)
                    : VerifyFindings.text(lifeboat.out, quiet);
            // on a terminal the OK lines are the progress, unless --quiet or --json keep them back: then a bar;
            // elsewhere (output to a file or a pipe) a plain line on stderr every few seconds
            boolean terminal = ProgressLine.stdoutIsTerminal();
            ProgressLine progress = terminal && !quiet && !json ? null
                    : new ProgressLine(lifeboat.err, terminal, "[verify] reading", "segments");
            return verify(opened, store.layout(), findings, parallel, progress);
        }
    }

    /** Verifies the backup set, printing a line per finding; returns the exit code. */
    public static int verify(ObjectStore store, BackupLayout layout, boolean quiet, PrintStream out) throws IOException {
        return verify(store, layout, VerifyFindings.text(out, quiet), DEFAULT_PARALLEL, null);
    }

    /** Verifies the backup set, reading up to {@code parallel} segments at once; returns the exit code. */
    static int verify(ObjectStore store, BackupLayout layout, VerifyFindings findings, int parallel) throws IOException {
        return verify(store, layout, findings, parallel, null);
    }

    /**
     * Like {@link #verify(ObjectStore, BackupLayout, VerifyFindings, int)}, showing the segments read on
     * {@code progress} (standard error; null for none).
     */
    static int verify(ObjectStore store, BackupLayout layout, VerifyFindings findings, int parallel,
                      ProgressLine progress) throws IOException {
        // Marks first: a backup still running stores segments that a later read of the marks would
        // count while the listing below misses them.
        Map<TopicPartition, HighWaterMarks.Mark> marks = HighWaterMarks.readAll(store, layout);
        BackupCatalog catalog = BackupCatalog.load(store, layout);
        BackupSetCheck check = BackupSetCheck.of(catalog, marks);
        findings.begin(catalog.description());
        if (catalog.isEmpty()) {
            findings.add("EMPTY", "no partition markers and no segments here: wrong root, bucket or prefix?");
            findings.end("EMPTY", 0, 0, 0, 1);
            return 1;
        }
        SegmentFetcher fetcher = new SegmentFetcher(store, layout, Path.of(System.getProperty("java.io.tmpdir")));
        ExecutorService readers = Executors.newFixedThreadPool(parallel, daemonThreads());
        try {
            // every segment is handed to the readers at once, in order; at most `parallel` are read at a time,
            // and the findings are taken in the same order as they complete
            Map<TopicPartition, List<Future<Long>>> reads = new LinkedHashMap<>();
            for (PartitionChain chain : check.chains().values()) {
                List<Future<Long>> partitionReads = new ArrayList<>();
                for (SegmentEntry segment : segments(catalog, chain.partition())) {
                    partitionReads.add(readers.submit(() -> check(fetcher, segment)));
                }
                reads.put(chain.partition(), partitionReads);
            }
            int segments = 0;
            int problems = 0;
            long records = 0;
            long total = reads.values().stream().mapToLong(List::size).sum();
            for (PartitionChain chain : check.chains().values()) {
                TopicPartition tp = chain.partition();
                List<SegmentEntry> entries = segments(catalog, tp);
                List<Future<Long>> partitionReads = reads.get(tp);
                for (int i = 0; i < entries.size(); i++) {
                    segments++;
                    if (progress != null) {
                        progress.update(segments, total);
                    }
                    try {
                        long n = result(partitionReads.get(i));
                        records += n;
                        findings.add("OK", entries.get(i).key() + " (" + n + " records)");
                    } catch (CorruptSegmentException e) {
                        problems++;
                        findings.add("CORRUPT", entries.get(i).key() + ": " + e.getMessage());
                    }
                }
                for (PartitionChain.Break missing : chain.breaks()) {
                    problems++;
                    findings.add("MISSING", tp + ": " + missing.describe());
                }
                for (OffsetGap gap : chain.gaps()) {
                    findings.add("HOLE", gap.describe() + " were never delivered to the backup (" + layout.gapKey(gap)
                            + "); a restore writes the records before and after them");
                }
            }
            for (StoredObject object : check.unrecognized()) {
                problems++;
                findings.add("STRAY", BackupSetCheck.unrecognizedMessage(object));
            }
            for (StoredObject object : check.placeholders()) {
                findings.add("NOTE", object.key() + " is a folder placeholder (zero bytes, key ending with '/'): ignored");
            }
            problems += checkMetadata(store, layout, findings);
            for (String topic : catalog.topics()) {
                List<Integer> unmarked = check.unmarkedPartitions(topic);
                if (!unmarked.isEmpty()) {
                    findings.add("NOTE", topic + " partitions " + unmarked + " have no partition marker: a restore "
                            + "restores them all the same, with " + check.partitionCount(topic) + " partitions (the "
                            + "highest seen + 1; partitions with neither a marker nor segments cannot be known)");
                }
            }
            if (progress != null) {
                progress.done();
            }
            findings.end(problems == 0 ? "OK" : "CORRUPT", segments, records, check.gaps().size(), problems);
            return problems == 0 ? 0 : 1;
        } finally {
            readers.shutdownNow();
        }
    }

    private static List<SegmentEntry> segments(BackupCatalog catalog, TopicPartition tp) {
        PartitionEntry partition = catalog.partitions(tp.topic()).get(tp.partition());
        return partition == null ? List.of() : partition.segments();
    }

    /** A read's record count; a corrupt segment or a store failure as thrown by the read. */
    private static long result(Future<Long> read) throws IOException {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while verifying");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "lifeboat-verify-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Decodes the newest metadata snapshot: an unreadable one is a problem (a restore takes topic settings
     * and consumer-group offsets from it); none at all is a note. Metadata objects are never strays.
     * Returns the problems found (0 or 1).
     */
    private static int checkMetadata(ObjectStore store, BackupLayout layout, VerifyFindings findings) throws IOException {
        MetadataStatus status = MetadataStatus.read(store, layout);
        if (status.newest().isEmpty()) {
            findings.add("NOTE", "no metadata snapshots under " + layout.metadataPrefix() + ": the backup connector has "
                    + "no source.cluster.bootstrap.servers, so a restore creates topics with their partition counts only "
                    + "and cannot reposition consumer groups");
            return 0;
        }
        if (status.problem().isPresent()) {
            findings.add("UNREADABLE", status.problem().get() + " (the newest metadata snapshot, which a restore takes "
                    + "topic settings and consumer-group offsets from; a newer snapshot replaces it within "
                    + "metadata.interval.ms while the backup runs)");
            return 1;
        }
        MetadataSnapshot snapshot = status.snapshot().orElseThrow();
        findings.add("METADATA", status.newest().get().key() + " (newest snapshot, taken "
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
