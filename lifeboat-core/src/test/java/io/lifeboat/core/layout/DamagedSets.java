package io.lifeboat.core.layout;

import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.RecordEncoder;
import io.lifeboat.core.segment.SegmentCompression;
import io.lifeboat.core.segment.SegmentFileWriter;
import io.lifeboat.core.segment.SegmentSpool;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ForwardingStore;
import io.lifeboat.core.storage.ObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Backup sets, intact and damaged, with what both the restore and {@code verify} must say of each: the
 * restore's tests and the CLI's tests run the same sets, so the two cannot drift apart. Every set holds
 * topic {@value #TOPIC} under prefix {@code set/}, partitions 0 and 1.
 */
public final class DamagedSets {

    public static final BackupLayout LAYOUT = new BackupLayout("set/");
    public static final String TOPIC = "orders";
    static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final long NONE = SegmentDescriptor.NONE;

    /**
     * A backup set and the verdict both sides must reach.
     *
     * @param restorable true when a restore restores it all (and verify exits 0)
     * @param records    records a restore writes when restorable
     * @param namedKey   the object both must name when not restorable
     */
    public record DamagedSet(String name, ObjectStore store, boolean restorable, long records, String namedKey) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final Path dir;
    private final List<DamagedSet> sets = new ArrayList<>();

    private DamagedSets(Path dir) {
        this.dir = dir;
    }

    /** Writes every set, each in its own folder under {@code dir}. */
    public static List<DamagedSet> write(Path dir) throws IOException {
        DamagedSets all = new DamagedSets(dir);
        all.writeAll();
        return all.sets;
    }

    private void writeAll() throws IOException {
        FilesystemObjectStore intact = store("intact");
        intactSet(intact, true);
        sets.add(new DamagedSet("intact", intact, true, 13, null));

        ForwardingStore placeholders = new ForwardingStore(store("placeholders"))
                .withPlaceholder("set/segments/").withPlaceholder("set/segments/orders/")
                .withPlaceholder("set/segments/orders/000000/").withPlaceholder("set/partitions/")
                .withPlaceholder("set/gaps/");
        intactSet(placeholders, true);
        sets.add(new DamagedSet("folder placeholders", placeholders, true, 13, null));

        FilesystemObjectStore readme = store("readme");
        intactSet(readme, true);
        readme.put("set/segments/README", "notes".getBytes());
        sets.add(new DamagedSet("README in segments/", readme, false, 0, "set/segments/README"));

        FilesystemObjectStore partitionStray = store("partition-stray");
        intactSet(partitionStray, true);
        partitionStray.put("set/segments/orders/000001/notes.txt", new byte[3]);
        sets.add(new DamagedSet("stray in a partition's folder", partitionStray, false, 0,
                "set/segments/orders/000001/notes.txt"));

        FilesystemObjectStore markerStray = store("marker-stray");
        intactSet(markerStray, true);
        markerStray.put("set/partitions/orders/README", new byte[3]);
        sets.add(new DamagedSet("stray among partition markers", markerStray, false, 0, "set/partitions/orders/README"));

        FilesystemObjectStore gapStray = store("gap-stray");
        intactSet(gapStray, true);
        gapStray.put("set/gaps/orders/000000/junk", new byte[3]);
        sets.add(new DamagedSet("stray among gaps", gapStray, false, 0, "set/gaps/orders/000000/junk"));

        FilesystemObjectStore unmarked = store("unmarked");
        intactSet(unmarked, false);
        sets.add(new DamagedSet("partition markers gone", unmarked, true, 13, null));

        FilesystemObjectStore middle = store("middle");
        markers(middle);
        segment(middle, P0, 0, 4, NONE);
        SegmentDescriptor afterMissing = segment(middle, P0, 10, 14, 9);
        segment(middle, P1, 0, 2, NONE);
        sets.add(new DamagedSet("missing segment in the chain", middle, false, 0, LAYOUT.segmentKey(afterMissing)));

        FilesystemObjectStore oldest = store("oldest");
        markers(oldest);
        SegmentDescriptor first = segment(oldest, P0, 5, 9, 4);
        segment(oldest, P1, 0, 2, NONE);
        sets.add(new DamagedSet("oldest segments deleted", oldest, false, 0, LAYOUT.segmentKey(first)));

        FilesystemObjectStore newest = store("newest");
        intactSet(newest, true);
        String mark = LAYOUT.highWaterKey("backup", 1);
        newest.put(mark, HighWaterMarks.encode(Map.of(P0, 14L)));
        sets.add(new DamagedSet("newest segments missing", newest, false, 0, mark));

        FilesystemObjectStore gap = store("gap");
        markers(gap);
        segment(gap, P0, 0, 4, NONE);
        segment(gap, P0, 10, 14, 4);
        segment(gap, P1, 0, 2, NONE);
        OffsetGap hole = new OffsetGap(P0, 5, 9);
        gap.put(LAYOUT.gapKey(hole), hole.content(10, 0));
        gap.put(LAYOUT.highWaterKey("backup", 0), HighWaterMarks.encode(Map.of(P0, 14L, P1, 2L)));
        sets.add(new DamagedSet("recorded gap", gap, true, 13, null));
    }

    private FilesystemObjectStore store(String name) {
        return new FilesystemObjectStore(dir.resolve(name));
    }

    /** p0: offsets 0..4 and 5..9; p1: 0..2; high-water marks at the ends. */
    private void intactSet(ObjectStore store, boolean withMarkers) throws IOException {
        if (withMarkers) {
            markers(store);
        }
        segment(store, P0, 0, 4, NONE);
        segment(store, P0, 5, 9, 4);
        segment(store, P1, 0, 2, NONE);
        store.put(LAYOUT.highWaterKey("backup", 0), HighWaterMarks.encode(Map.of(P0, 9L, P1, 2L)));
    }

    private static void markers(ObjectStore store) throws IOException {
        store.put(LAYOUT.partitionMarkerKey(P0), new byte[0]);
        store.put(LAYOUT.partitionMarkerKey(P1), new byte[0]);
    }

    private SegmentDescriptor segment(ObjectStore store, TopicPartition tp, long first, long last, long previous)
            throws IOException {
        return writeSegment(store, dir, tp, first, last, previous);
    }

    /**
     * Stores a segment of records {@code first..last} (timestamp {@code 1000 + offset}, value the offset's
     * low byte) under {@link #LAYOUT}, encoded in a new folder under {@code dir}.
     */
    public static SegmentDescriptor writeSegment(ObjectStore store, Path dir, TopicPartition tp, long first, long last,
                                                 long previous) throws IOException {
        Path work = Files.createTempDirectory(dir, "work");
        try (SegmentSpool spool = new SegmentSpool(Files.createDirectories(work.resolve("spool")), tp, previous, 0)) {
            RecordEncoder encoder = new RecordEncoder();
            for (long o = first; o <= last; o++) {
                spool.append(new BackupRecord(tp.topic(), tp.partition(), o, 1_000L + o, TimestampType.CREATE_TIME,
                        null, new byte[]{(byte) o}, List.of()), encoder);
            }
            Path file = work.resolve("segment.avro");
            SegmentDescriptor segment = new SegmentFileWriter(SegmentCompression.ZSTD).write(spool, file);
            store.put(LAYOUT.segmentKey(segment), file);
            return segment;
        }
    }
}
