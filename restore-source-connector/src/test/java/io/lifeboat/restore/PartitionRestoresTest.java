package io.lifeboat.restore;

import io.lifeboat.core.layout.DamagedSets;
import io.lifeboat.core.layout.DamagedSets.DamagedSet;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.layout.TimeRange;
import io.lifeboat.core.segment.CorruptSegmentException;
import io.lifeboat.core.segment.SegmentFetcher;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ForwardingStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionRestoresTest {

    private static final TopicPartition P0 = new TopicPartition(DamagedSets.TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(DamagedSets.TOPIC, 1);

    @TempDir
    Path dir;

    private List<PartitionRestore> open(DamagedSet set, Map<TopicPartition, RestoreOffsets.Progress> progress)
            throws IOException {
        return PartitionRestores.open(set.store(), DamagedSets.LAYOUT, TopicMapping.parse(List.of()), List.of(P0, P1),
                progress, TimeRange.ALL, tp -> SegmentPrefetcher.Source.direct(
                        new SegmentFetcher(set.store(), DamagedSets.LAYOUT, dir)));
    }

    private static DamagedSet find(List<DamagedSet> sets, String name) {
        return sets.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void eachRecordedGapIsLoggedOnceAtStartAndRestoredAround() throws IOException {
        DamagedSet gap = find(DamagedSets.write(dir.resolve("sets")), "recorded gap");
        List<Long> offsets = new ArrayList<>();
        try (Warnings warnings = new Warnings(PartitionRestores.class)) {
            PartitionRestore p0 = open(gap, Map.of()).get(0);
            assertEquals(1, warnings.lines().size(), warnings.lines().toString());
            String warning = warnings.lines().get(0);
            assertTrue(warning.contains("The backup of orders-0 has a recorded gap: offsets 5..9 (5 offsets, "
                    + "set/gaps/orders/000000/00000000000000000005-00000000000000000009) were never delivered"), warning);
            for (List<SourceRecord> batch = p0.poll(3); !batch.isEmpty(); batch = p0.poll(3)) {
                batch.forEach(r -> offsets.add((Long) r.sourceOffset().get(RestoreOffsets.OFFSET)));
            }
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 10L, 11L, 12L, 13L, 14L), offsets);
            assertTrue(p0.isComplete());
            assertEquals(1, warnings.lines().size(), "logged once, not per poll");

            open(gap, Map.of(P0, new RestoreOffsets.Progress(10, false)));
            assertEquals(1, warnings.lines().size(), "a restore resumed past the gap does not warn again");
        }
    }

    @Test
    void aStrayInAPartitionsFolderRefusesTheTaskNamingItAndAPlaceholderDoesNot() throws IOException {
        List<DamagedSet> sets = DamagedSets.write(dir.resolve("sets"));
        ConnectException e = assertThrows(ConnectException.class,
                () -> open(find(sets, "stray in a partition's folder"), Map.of()));
        assertTrue(e.getMessage().contains("set/segments/orders/000001/notes.txt (3 bytes) is not a Lifeboat"),
                e.getMessage());
        DamagedSet intact = find(sets, "intact");
        DamagedSet placeholder = new DamagedSet("placeholder", new ForwardingStore(intact.store())
                .withPlaceholder("set/segments/orders/000000/"), true, 13, null);
        assertEquals(2, open(placeholder, Map.of()).size(), "before, a placeholder in a partition's folder "
                + "stopped the task as 'not a Lifeboat segment'");
    }

    /**
     * Segments 0..29 of P0 in their own store: segment {@code i} holds offsets {@code 100i..100i+9}
     * (the offsets between hold no records, as after compaction), chained to the one before.
     */
    private FilesystemObjectStore spacedSegments(String name, int... leftOut) throws IOException {
        FilesystemObjectStore store = new FilesystemObjectStore(Files.createDirectories(dir.resolve(name)));
        long previous = SegmentDescriptor.NONE;
        for (int i = 0; i < 30; i++) {
            final int index = i;
            if (java.util.Arrays.stream(leftOut).noneMatch(out -> out == index)) {
                DamagedSets.writeSegment(store, dir, P0, i * 100L, i * 100L + 9, previous);
            }
            previous = i * 100L + 9;
        }
        return store;
    }

    private List<Long> restoreP0(ForwardingStore store, long lastRestored) throws IOException {
        PartitionRestore p0 = PartitionRestores.open(store, DamagedSets.LAYOUT, TopicMapping.parse(List.of()),
                List.of(P0), Map.of(P0, new RestoreOffsets.Progress(lastRestored, false)), TimeRange.ALL,
                tp -> SegmentPrefetcher.Source.direct(new SegmentFetcher(store, DamagedSets.LAYOUT, dir))).get(0);
        List<Long> offsets = new ArrayList<>();
        for (List<SourceRecord> batch = p0.poll(50); !batch.isEmpty(); batch = p0.poll(50)) {
            batch.forEach(r -> offsets.add((Long) r.sourceOffset().get(RestoreOffsets.OFFSET)));
        }
        assertTrue(p0.isComplete());
        return offsets;
    }

    private static List<String> segmentListings(ForwardingStore store) {
        return store.takeListings().stream().filter(l -> l.prefix().equals(DamagedSets.LAYOUT.segmentsPrefix(P0)))
                .map(l -> l.startAfter() + " (" + l.keys() + " keys)").toList();
    }

    private static List<Long> offsets(long... ranges) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < ranges.length; i += 2) {
            LongStream.rangeClosed(ranges[i], ranges[i + 1]).forEach(out::add);
        }
        return out;
    }

    @Test
    void aResumedRestoreListsTheSegmentsFromAboutItsResumeOffsetAndRestoresTheSameRecords() throws IOException {
        ForwardingStore store = new ForwardingStore(spacedSegments("spaced"));
        assertEquals(offsets(2_505, 2_509, 2_600, 2_609, 2_700, 2_709, 2_800, 2_809, 2_900, 2_909),
                restoreP0(store, 2_504));
        assertEquals(List.of(DamagedSets.LAYOUT.segmentsStartAfter(P0, 2_505 - 1_024) + " (15 keys)"),
                segmentListings(store), "the segments from 1500 on, not the 30 of the partition");
    }

    @Test
    void aBreakInTheSegmentsListedFromABoundIsConfirmedOnTheWholeListing() throws IOException {
        FilesystemObjectStore files = spacedSegments("replayed", 28); // 2800..2809 is not there...
        DamagedSets.writeSegment(files, dir, P0, 1_000, 2_809, SegmentDescriptor.NONE); // ...a replay holds it
        ForwardingStore store = new ForwardingStore(files);
        assertEquals(offsets(2_505, 2_809, 2_900, 2_909), restoreP0(store, 2_504),
                "2900..2909 names 2809 as its predecessor: the replayed segment, which starts before the bound");
        assertEquals(List.of(DamagedSets.LAYOUT.segmentsStartAfter(P0, 1_481) + " (14 keys)", " (30 keys)"),
                segmentListings(store));
    }

    @Test
    void aBreakThatTheWholeListingConfirmsStopsTheResumedPartition() throws IOException {
        ForwardingStore store = new ForwardingStore(spacedSegments("missing", 28));
        List<Long> restored = new ArrayList<>();
        PartitionRestore p0 = PartitionRestores.open(store, DamagedSets.LAYOUT, TopicMapping.parse(List.of()),
                List.of(P0), Map.of(P0, new RestoreOffsets.Progress(2_504, false)), TimeRange.ALL,
                tp -> SegmentPrefetcher.Source.direct(new SegmentFetcher(store, DamagedSets.LAYOUT, dir))).get(0);
        CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> {
            for (List<SourceRecord> batch = p0.poll(50); !batch.isEmpty(); batch = p0.poll(50)) {
                batch.forEach(r -> restored.add((Long) r.sourceOffset().get(RestoreOffsets.OFFSET)));
            }
        });
        assertTrue(e.getMessage().contains("missing a segment: set/segments/orders/000000/00000000000000002900-"),
                e.getMessage());
        assertEquals(offsets(2_505, 2_509, 2_600, 2_609, 2_700, 2_709), restored);
        assertEquals(List.of(DamagedSets.LAYOUT.segmentsStartAfter(P0, 1_481) + " (14 keys)", " (29 keys)"),
                segmentListings(store));
    }
}
