package io.lifeboat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupCatalog.PartitionEntry;
import io.lifeboat.core.layout.BackupCatalog.SegmentEntry;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.BackupSetCheck;
import io.lifeboat.core.layout.HighWaterMarks;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;

/**
 * {@code lifeboat list}: the topics, partitions and segments of a backup set, with offsets and sizes,
 * and its newest metadata snapshot (or that it has none).
 */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = LifeboatCommand.Version.class,
        description = "List the topics, partitions and segments of a backup set (offsets, sizes) and its newest "
                + "metadata snapshot.")
public final class ListCommand implements Callable<Integer> {

    @ParentCommand
    LifeboatCommand lifeboat;

    @Mixin
    StoreOptions store;

    @Option(names = "--json", description = "print one JSON document: topics, partitions, segments, holes, strays")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (ObjectStore opened = store.open()) {
            return json ? listJson(opened, store.layout(), Clock.systemUTC(), lifeboat.out)
                    : list(opened, store.layout(), lifeboat.out);
        }
    }

    /** Lists the backup set; returns the exit code. */
    public static int list(ObjectStore store, BackupLayout layout, PrintStream out) throws IOException {
        return list(store, layout, Clock.systemUTC(), out);
    }

    // visible for testing
    static int list(ObjectStore store, BackupLayout layout, Clock clock, PrintStream out) throws IOException {
        // marks first, as the restore reads them: partition counts then agree with what a restore creates
        Map<TopicPartition, HighWaterMarks.Mark> marks = HighWaterMarks.readAll(store, layout);
        BackupCatalog catalog = BackupCatalog.load(store, layout);
        BackupSetCheck check = BackupSetCheck.of(catalog, marks);
        out.println("Backup set " + catalog.description());
        out.println(MetadataStatus.read(store, layout).describe(clock.instant()));
        if (catalog.isEmpty()) {
            out.println("  (empty: no partitions and no segments)");
            return 0;
        }
        for (String topic : catalog.topics()) {
            printTopic(topic, catalog.partitions(topic), out);
            List<Integer> unmarked = check.unmarkedPartitions(topic);
            if (!unmarked.isEmpty()) {
                out.printf("  partitions %s have no partition marker: a restore restores %d partitions (the "
                        + "highest seen + 1)%n", unmarked, check.partitionCount(topic));
            }
        }
        for (StoredObject object : check.unrecognized()) {
            out.println("unrecognized object " + object.key() + " (" + object.size() + " bytes): a restore "
                    + "refuses the set while it is there");
        }
        for (StoredObject object : check.placeholders()) {
            out.println("folder placeholder " + object.key() + " (ignored)");
        }
        return 0;
    }

    /** The same as {@link #list} as one JSON document; returns the exit code. */
    static int listJson(ObjectStore store, BackupLayout layout, Clock clock, PrintStream out) throws IOException {
        Map<TopicPartition, HighWaterMarks.Mark> marks = HighWaterMarks.readAll(store, layout);
        BackupCatalog catalog = BackupCatalog.load(store, layout);
        BackupSetCheck check = BackupSetCheck.of(catalog, marks);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("backupSet", catalog.description());
        document.put("metadata", MetadataStatus.read(store, layout).describe(clock.instant()));
        List<Object> topics = new ArrayList<>();
        for (String topic : catalog.topics()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("topic", topic);
            t.put("partitionCount", check.partitionCount(topic));
            List<Object> partitions = new ArrayList<>();
            for (PartitionEntry partition : catalog.partitions(topic).values()) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("partition", partition.partition().partition());
                p.put("marked", partition.marked());
                p.put("bytes", partition.bytes());
                List<Object> segments = new ArrayList<>();
                for (SegmentEntry segment : partition.segments()) {
                    SegmentDescriptor d = segment.descriptor();
                    Map<String, Object> seg = new LinkedHashMap<>();
                    seg.put("key", segment.key());
                    seg.put("firstOffset", d.firstOffset());
                    seg.put("lastOffset", d.lastOffset());
                    seg.put("bytes", segment.size());
                    seg.put("minTimestamp", d.minTimestamp() == SegmentDescriptor.NONE ? null : d.minTimestamp());
                    seg.put("maxTimestamp", d.maxTimestamp() == SegmentDescriptor.NONE ? null : d.maxTimestamp());
                    segments.add(seg);
                }
                p.put("segments", segments);
                p.put("holes", partition.gaps().stream()
                        .map(g -> Map.of("firstMissing", g.firstMissing(), "lastMissing", g.lastMissing())).toList());
                partitions.add(p);
            }
            t.put("partitions", partitions);
            topics.add(t);
        }
        document.put("topics", topics);
        document.put("unrecognized", check.unrecognized().stream().map(StoredObject::key).toList());
        document.put("placeholders", check.placeholders().stream().map(StoredObject::key).toList());
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document));
        return 0;
    }

    private static void printTopic(String topic, SortedMap<Integer, PartitionEntry> partitions, PrintStream out) {
        long segments = partitions.values().stream().mapToLong(p -> p.segments().size()).sum();
        long bytes = partitions.values().stream().mapToLong(PartitionEntry::bytes).sum();
        out.printf("topic %s: %d partitions, %d segments, %d bytes%n", topic, partitions.size(), segments, bytes);
        for (PartitionEntry partition : partitions.values()) {
            String marker = partition.marked() ? "" : " (no partition marker)";
            if (partition.segments().isEmpty()) {
                out.printf("  partition %d: no records%s%s%n", partition.partition().partition(), holes(partition),
                        marker);
                continue;
            }
            SegmentDescriptor first = partition.segments().get(0).descriptor();
            SegmentDescriptor last = partition.segments().get(partition.segments().size() - 1).descriptor();
            out.printf("  partition %d: %d segments, offsets %d..%d, %d bytes%s%s%n", partition.partition().partition(),
                    partition.segments().size(), first.firstOffset(), last.lastOffset(), partition.bytes(),
                    holes(partition), marker);
            for (SegmentEntry segment : partition.segments()) {
                SegmentDescriptor d = segment.descriptor();
                out.printf("    offsets %d..%d  %d bytes  timestamps %s..%s  %s%n", d.firstOffset(), d.lastOffset(),
                        segment.size(), time(d.minTimestamp()), time(d.maxTimestamp()), segment.key());
            }
        }
    }

    /** ", 2 holes (offsets 5..9, 20..29)": recorded gaps, offsets never delivered to the backup. */
    private static String holes(PartitionEntry partition) {
        if (partition.gaps().isEmpty()) {
            return "";
        }
        List<String> ranges = partition.gaps().stream().map(g -> g.firstMissing() + ".." + g.lastMissing()).toList();
        return ", " + ranges.size() + (ranges.size() == 1 ? " hole" : " holes") + " (offsets "
                + String.join(", ", ranges) + ")";
    }

    private static String time(long millis) {
        return millis == SegmentDescriptor.NONE ? "none" : Instant.ofEpochMilli(millis).toString();
    }
}
