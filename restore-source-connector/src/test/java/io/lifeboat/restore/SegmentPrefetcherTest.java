package io.lifeboat.restore;

import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.PartitionChain;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.layout.TimeRange;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.RecordEncoder;
import io.lifeboat.core.segment.SegmentCompression;
import io.lifeboat.core.segment.SegmentFetcher;
import io.lifeboat.core.segment.SegmentFileWriter;
import io.lifeboat.core.segment.SegmentSpool;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.FolderListing;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prefetcher against the real filesystem store, its reads gated or failed by a wrapping store. */
class SegmentPrefetcherTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);
    private final BackupLayout layout = new BackupLayout("");

    @TempDir
    Path root;
    @TempDir
    Path spool;
    @TempDir
    Path work;

    private GatedStore store;
    private SegmentPrefetcher prefetcher;

    @AfterEach
    void close() {
        if (prefetcher != null) {
            prefetcher.close();
        }
        if (store != null) {
            store.gate.release(1_000);
        }
    }

    /** Records opens in order; each open waits for a permit of {@link #gate}; a key in {@link #failures} fails that often. */
    private static final class GatedStore implements ObjectStore {
        final ObjectStore store;
        final Semaphore gate = new Semaphore(0);
        final List<String> opened = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

        GatedStore(ObjectStore store) {
            this.store = store;
        }

        @Override
        public InputStream open(String key) throws IOException {
            opened.add(key);
            try {
                gate.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            AtomicInteger failing = failures.get(key);
            if (failing != null && failing.getAndDecrement() > 0) {
                throw new IOException("the store is unavailable for " + key);
            }
            return store.open(key);
        }

        @Override
        public void put(String key, Path file) throws IOException {
            store.put(key, file);
        }

        @Override
        public void put(String key, byte[] content) throws IOException {
            store.put(key, content);
        }

        @Override
        public void delete(String key) throws IOException {
            store.delete(key);
        }

        @Override
        public List<StoredObject> list(String prefix) throws IOException {
            return store.list(prefix);
        }

        @Override
        public FolderListing listFolder(String prefix) throws IOException {
            return store.listFolder(prefix);
        }

        @Override
        public void checkAccess(String prefix, Access access) throws IOException {
            store.checkAccess(prefix, access);
        }

        @Override
        public String describe() {
            return "gated " + store.describe();
        }

        @Override
        public void close() {
            store.close();
        }
    }

    private BackupCatalog.SegmentEntry segment(TopicPartition tp, long first, long last, long size) throws IOException {
        try (SegmentSpool records = new SegmentSpool(Files.createTempDirectory(spool, "s"), tp,
                first == 0 ? SegmentDescriptor.NONE : first - 1, 0)) {
            RecordEncoder encoder = new RecordEncoder();
            for (long o = first; o <= last; o++) {
                records.append(new BackupRecord(tp.topic(), tp.partition(), o, 1_000L + o, TimestampType.CREATE_TIME,
                        null, new byte[]{(byte) o}, List.of()), encoder);
            }
            Path file = spool.resolve("seg-" + tp.partition() + "-" + first + ".avro");
            SegmentDescriptor segment = new SegmentFileWriter(SegmentCompression.ZSTD).write(records, file);
            Path target = root.resolve(layout.segmentKey(segment));
            Files.createDirectories(target.getParent());
            Files.move(file, target);
            return new BackupCatalog.SegmentEntry(layout.segmentKey(segment), size, segment);
        }
    }

    private SegmentPrefetcher prefetcher(int threads, int maxSegments, long maxBytes) {
        store = new GatedStore(new FilesystemObjectStore(root));
        prefetcher = new SegmentPrefetcher(new SegmentFetcher(store, layout, work), threads, maxSegments, maxBytes);
        return prefetcher;
    }

    private static void awaitOpens(GatedStore store, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.opened.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(100); // and no more than that, had the bound been ignored
    }

    private List<Path> localCopies() throws IOException {
        try (var files = Files.list(work)) {
            return files.toList();
        }
    }

    private static List<Long> offsets(SegmentFetcher.FetchedSegment fetched) throws IOException {
        List<Long> offsets = new ArrayList<>();
        for (BackupRecord r = fetched.reader().next(); r != null; r = fetched.reader().next()) {
            offsets.add(r.offset());
        }
        return offsets;
    }

    @Test
    void fetchesAheadInTheTaskOrderAcrossPartitionsWithinTheSegmentBound() throws Exception {
        SegmentPrefetcher prefetcher = prefetcher(4, 3, Long.MAX_VALUE);
        List<BackupCatalog.SegmentEntry> p0 = List.of(segment(P0, 0, 1, 1), segment(P0, 2, 3, 1));
        List<BackupCatalog.SegmentEntry> p1 = List.of(segment(P1, 0, 1, 1), segment(P1, 2, 3, 1));
        prefetcher.plan(P0, p0);
        prefetcher.plan(P1, p1);

        awaitOpens(store, 3);
        assertEquals(3, store.opened.size(), "at most 3 segments held: " + store.opened);
        assertEquals(Set.of(p0.get(0).key(), p0.get(1).key(), p1.get(0).key()), Set.copyOf(store.opened),
                "the first 3 the task reads, the next partition's first segment too");
        assertEquals(3, prefetcher.held());

        store.gate.release(1_000);
        SegmentPrefetcher.Lane lane0 = prefetcher.lane(P0);
        try (SegmentFetcher.FetchedSegment first = lane0.fetch(p0.get(0).descriptor())) {
            assertEquals(List.of(0L, 1L), offsets(first));
        }
        awaitOpens(store, 4);
        assertEquals(p1.get(1).key(), store.opened.get(3), "taking one starts the next in line");
        try (SegmentFetcher.FetchedSegment second = lane0.fetch(p0.get(1).descriptor())) {
            assertEquals(List.of(2L, 3L), offsets(second));
        }
        SegmentPrefetcher.Lane lane1 = prefetcher.lane(P1);
        try (SegmentFetcher.FetchedSegment first = lane1.fetch(p1.get(0).descriptor());
             SegmentFetcher.FetchedSegment second = lane1.fetch(p1.get(1).descriptor())) {
            assertEquals(List.of(0L, 1L), offsets(first));
            assertEquals(List.of(2L, 3L), offsets(second));
        }
        assertEquals(4, store.opened.size(), "each segment downloaded once");
        assertEquals(0, prefetcher.held());
        assertEquals(List.of(), localCopies());
    }

    @Test
    void theByteBoundHoldsBackFetchesButOneLargeSegmentIsAlwaysAllowed() throws Exception {
        SegmentPrefetcher prefetcher = prefetcher(4, 8, 100);
        List<BackupCatalog.SegmentEntry> p0 = List.of(segment(P0, 0, 1, 500), segment(P0, 2, 3, 40),
                segment(P0, 4, 5, 40));
        prefetcher.plan(P0, p0);

        awaitOpens(store, 1);
        assertEquals(List.of(p0.get(0).key()), store.opened, "the first, larger than the bound, alone");
        store.gate.release(1_000);
        SegmentPrefetcher.Lane lane = prefetcher.lane(P0);
        lane.fetch(p0.get(0).descriptor()).close();
        awaitOpens(store, 3);
        assertEquals(3, store.opened.size(), "40 + 40 bytes fit in 100: " + store.opened);
    }

    @Test
    void aFailedFetchReachesOnlyItsPartitionWhenItAsksAndIsFetchedAgain() throws Exception {
        SegmentPrefetcher prefetcher = prefetcher(2, 8, Long.MAX_VALUE);
        BackupCatalog.SegmentEntry a = segment(P0, 0, 1, 1);
        BackupCatalog.SegmentEntry b = segment(P1, 0, 1, 1);
        store.failures.put(b.key(), new AtomicInteger(3)); // the fetcher's 3 attempts
        store.gate.release(1_000);
        prefetcher.plan(P0, List.of(a));
        prefetcher.plan(P1, List.of(b));
        awaitOpens(store, 4);

        try (SegmentFetcher.FetchedSegment fetched = prefetcher.lane(P0).fetch(a.descriptor())) {
            assertEquals(List.of(0L, 1L), offsets(fetched), "the other partition's failure is not this one's");
        }
        IOException failure = assertThrows(IOException.class, () -> prefetcher.lane(P1).fetch(b.descriptor()));
        assertTrue(failure.getMessage().contains("cannot download segment " + b.key()), failure.getMessage());
        assertTrue(failure.getMessage().contains("the store is unavailable for " + b.key()), failure.getMessage());

        try (SegmentFetcher.FetchedSegment again = prefetcher.lane(P1).fetch(b.descriptor())) {
            assertEquals(List.of(0L, 1L), offsets(again), "asked again, the segment is fetched again");
        }
        assertEquals(List.of(), localCopies());
    }

    @Test
    void copiesNotTakenAreDeletedWhenTheirPartitionIsDoneOrThePrefetcherCloses() throws Exception {
        SegmentPrefetcher prefetcher = prefetcher(4, 8, Long.MAX_VALUE);
        List<BackupCatalog.SegmentEntry> p0 = List.of(segment(P0, 0, 1, 1), segment(P0, 2, 3, 1),
                segment(P0, 4, 5, 1));
        List<BackupCatalog.SegmentEntry> p1 = List.of(segment(P1, 0, 1, 1), segment(P1, 2, 3, 1));
        store.gate.release(1_000);
        prefetcher.plan(P0, p0);
        prefetcher.plan(P1, p1);
        awaitOpens(store, 5);
        assertEquals(5, localCopies().size(), "all fetched ahead");

        SegmentPrefetcher.Lane lane0 = prefetcher.lane(P0);
        SegmentFetcher.FetchedSegment last = lane0.fetch(p0.get(2).descriptor()); // the first two read past
        assertEquals(3, localCopies().size(), "the two read past are deleted: " + localCopies());
        last.close();
        lane0.finished();
        assertEquals(2, localCopies().size());

        prefetcher.close();
        assertEquals(List.of(), localCopies(), "nothing is left in the work folder");
        IOException stopped = assertThrows(IOException.class, () -> prefetcher.lane(P1).fetch(p1.get(0).descriptor()));
        assertTrue(stopped.getMessage().contains("stopping"), stopped.getMessage());
    }

    @Test
    void aSegmentNotInThePlanIsFetchedAtOnceAndWaitedForOnlyAsLongAsAsked() throws Exception {
        SegmentPrefetcher prefetcher = prefetcher(1, 8, Long.MAX_VALUE);
        BackupCatalog.SegmentEntry a = segment(P0, 0, 1, 1);
        SegmentPrefetcher.Lane lane = prefetcher.lane(P0);

        long started = System.nanoTime();
        assertEquals(null, lane.fetch(a.descriptor(), 50), "not fetched within 50 ms: the gate is closed");
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "the wait is bounded");
        awaitOpens(store, 1);
        store.gate.release(1_000);
        try (SegmentFetcher.FetchedSegment fetched = lane.fetch(a.descriptor())) {
            assertEquals(List.of(0L, 1L), offsets(fetched));
        }
        assertEquals(List.of(a.key()), store.opened, "asked again, the same fetch is waited for, not a new one");
        assertEquals(0, prefetcher.held());
        assertEquals(List.of(), localCopies());
    }

    /**
     * A partition's next segment still downloading ends its batch with what it has, and the record read
     * last is held until that segment tells whether it is the partition's last: complete=true once, on it.
     */
    @Test
    void aPollWithABoundedWaitHandsOverWhatItHasAndHoldsTheLastRecordReadUntilTheNextSegment() throws Exception {
        SegmentPrefetcher prefetcher = prefetcher(1, 8, Long.MAX_VALUE);
        List<BackupCatalog.SegmentEntry> p0 = List.of(segment(P0, 0, 2, 1), segment(P0, 3, 4, 1));
        PartitionRestore restore = new PartitionRestore(P0, "orders", PartitionChain.of(P0,
                new BackupCatalog.PartitionEntry(P0, true, p0, List.of()), null, 0), RestoreOffsets.Progress.NONE,
                TimeRange.ALL, prefetcher.lane(P0));
        prefetcher.plan(P0, restore.plannedSegments());
        store.gate.release(1); // the first segment only

        List<Long> first = sourceOffsets(restore.poll(10, PollBudget.bounded(10, Long.MAX_VALUE, 5_000)));
        assertEquals(List.of(0L, 1L), first, "offset 2 is held: the next segment is not fetched yet");
        assertTrue(restore.waitingForSegment());
        assertFalse(restore.isComplete());
        assertEquals(List.of(), restore.poll(10, PollBudget.bounded(10, Long.MAX_VALUE, 20)), "still not fetched");

        store.gate.release(1_000);
        List<SourceRecord> rest = restore.poll(10, PollBudget.bounded(10, Long.MAX_VALUE, 5_000));
        assertEquals(List.of(2L, 3L, 4L), sourceOffsets(rest));
        assertEquals(List.of(false, false, true), rest.stream().map(RestoreOffsets::isLast).toList());
        assertTrue(restore.isComplete());
        assertFalse(restore.waitingForSegment());
        assertEquals(List.of(), localCopies());
    }

    private static List<Long> sourceOffsets(List<SourceRecord> records) {
        return records.stream().map(r -> (Long) r.sourceOffset().get(RestoreOffsets.OFFSET)).toList();
    }

    @Test
    void segmentsOfPartitionsReadTogetherArePlannedInTheOrderTheyAreAskedFor() throws Exception {
        TopicPartition p2 = new TopicPartition("orders", 2);
        TopicPartition p3 = new TopicPartition("orders", 3);
        List<BackupCatalog.SegmentEntry> a = List.of(segment(P0, 0, 29, 1));
        List<BackupCatalog.SegmentEntry> b = List.of(segment(P1, 0, 4, 1), segment(P1, 5, 9, 1));
        List<BackupCatalog.SegmentEntry> c = List.of(segment(p2, 0, 9, 1), segment(p2, 10, 19, 1));
        List<BackupCatalog.SegmentEntry> d = List.of(segment(p3, 0, 9, 1));
        Map<TopicPartition, List<BackupCatalog.SegmentEntry>> plans = new LinkedHashMap<>();
        plans.put(P0, a);
        plans.put(P1, b);
        plans.put(p2, c);
        plans.put(p3, d);

        List<SegmentPrefetcher.Planned> order = ReadOrder.of(plans, 2);

        // P0 and P1 are read together, at the same rate: P1 asks for its second segment after 5 records
        // and is done after 10, when P2 takes its place (P0 is still in its only segment); P0 is done
        // after 30 records, P2 asked for its second segment at 20: P3 comes last.
        assertEquals(List.of(a.get(0), b.get(0), b.get(1), c.get(0), c.get(1), d.get(0)),
                order.stream().map(SegmentPrefetcher.Planned::entry).toList());
    }
}
