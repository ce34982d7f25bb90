package io.lifeboat.cli;

import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.BackupCatalog.PartitionEntry;
import io.lifeboat.core.layout.BackupCatalog.SegmentEntry;
import io.lifeboat.core.segment.BackupHeader;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.SegmentFetcher;
import io.lifeboat.core.storage.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.Callable;

/**
 * {@code lifeboat cat}: prints the records a backup set holds for a topic (or one partition), one line
 * each: partition, offset, timestamp, key, value and headers. Bytes show as {@code null}, a quoted
 * escaped string when they are UTF-8 text, or {@code base64:...}; values over {@value #SHORT_BYTES}
 * bytes are cut unless {@code --full} is given.
 */
@Command(name = "cat", mixinStandardHelpOptions = true, versionProvider = LifeboatCommand.Version.class,
        description = "Print the backed-up records of a topic: partition, offset, timestamp, key, value, headers "
                + "(text when UTF-8, else base64; values over " + CatCommand.SHORT_BYTES + " bytes cut unless --full).")
public final class CatCommand implements Callable<Integer> {

    static final int SHORT_BYTES = 1024;

    @ParentCommand
    LifeboatCommand lifeboat;

    @Mixin
    StoreOptions store;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "the backed-up topic")
    String topic;

    @Option(names = "--partition", paramLabel = "N", description = "only this partition (default: all)")
    int partition = -1;

    @Option(names = "--from", paramLabel = "OFFSET", description = "from this offset on (default: 0)")
    long from;

    @Option(names = "--limit", paramLabel = "N", description = "at most this many records (default: all)")
    long limit = Long.MAX_VALUE;

    @Option(names = "--full", description = "print values whole")
    boolean full;

    @Override
    public Integer call() throws Exception {
        try (ObjectStore opened = store.open()) {
            return print(opened, store.layout(), topic, partition, from, limit, full, lifeboat.out,
                    new ProgressLine(lifeboat.err, false, "[cat] printed", "records"));
        }
    }

    /** Prints the selected records; downloads no segment once {@code limit} records were printed. */
    static int print(ObjectStore store, BackupLayout layout, String topic, long partitionFilter, long from, long limit,
                     boolean full, PrintStream out) throws IOException {
        return print(store, layout, topic, partitionFilter, from, limit, full, out, null);
    }

    /**
     * Like {@link #print(ObjectStore, BackupLayout, String, long, long, long, boolean, PrintStream)}, with a
     * plain progress line on {@code progress} (standard error: standard output is the records) every few
     * seconds of a long listing; null for none.
     */
    static int print(ObjectStore store, BackupLayout layout, String topic, long partitionFilter, long from, long limit,
                     boolean full, PrintStream out, ProgressLine progress) throws IOException {
        BackupCatalog catalog = BackupCatalog.load(store, layout);
        SortedMap<Integer, PartitionEntry> partitions = catalog.partitions(topic);
        if (partitions.isEmpty()) {
            out.println("No topic " + topic + " in backup set " + catalog.description() + "; topics: "
                    + catalog.topics());
            return 1;
        }
        if (partitionFilter >= 0 && !partitions.containsKey((int) partitionFilter)) {
            out.println("No partition " + partitionFilter + " of " + topic + " in the backup set; partitions: "
                    + partitions.keySet());
            return 1;
        }
        SegmentFetcher fetcher = new SegmentFetcher(store, layout, Path.of(System.getProperty("java.io.tmpdir")));
        long printed = 0;
        for (PartitionEntry partition : partitions.values()) {
            if (partitionFilter >= 0 && partition.partition().partition() != partitionFilter) {
                continue;
            }
            for (SegmentEntry segment : partition.segments()) {
                if (printed >= limit) {
                    return 0;
                }
                if (segment.descriptor().lastOffset() < from) {
                    continue;
                }
                try (SegmentFetcher.FetchedSegment local = fetcher.fetch(segment.descriptor())) {
                    for (BackupRecord r = local.reader().next(); r != null && printed < limit; r = local.reader().next()) {
                        if (r.offset() >= from) {
                            out.println(format(r, full));
                            printed++;
                            if (progress != null) {
                                progress.update(printed, 0);
                            }
                        }
                    }
                }
            }
        }
        return 0;
    }

    static String format(BackupRecord r, boolean full) {
        StringBuilder line = new StringBuilder();
        line.append("partition=").append(r.partition()).append(" offset=").append(r.offset());
        line.append(" timestamp=");
        if (r.timestamp() == null || r.timestamp() < 0) {
            line.append("none");
        } else {
            line.append(r.timestamp()).append(" (").append(Instant.ofEpochMilli(r.timestamp())).append(' ')
                    .append(r.timestampType()).append(')');
        }
        line.append(" key=").append(bytes(r.key(), full));
        line.append(" value=").append(bytes(r.value(), full));
        List<String> headers = new ArrayList<>();
        for (BackupHeader h : r.headers()) {
            headers.add(RecordText.quote(h.key()) + "=" + bytes(h.value(), full));
        }
        line.append(" headers=[").append(String.join(", ", headers)).append(']');
        return line.toString();
    }

    private static String bytes(byte[] bytes, boolean full) {
        if (full || bytes == null || bytes.length <= SHORT_BYTES) {
            return RecordText.format(bytes);
        }
        return RecordText.format(Arrays.copyOf(bytes, SHORT_BYTES)) + "...(" + bytes.length + " bytes, --full shows all)";
    }
}
