package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.PartitionChain;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ForwardingStore;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * What planning costs on a large backup set: a synthetic set of zero-byte segment objects (named by
 * {@link BackupLayout#segmentKey}, each segment chained to the previous one) on the filesystem store,
 * and the time and retained heap of a restore task's {@link BackupCatalog#loadPartitions} +
 * {@link PartitionChain#of}, of the connector's {@link BackupCatalog#load(io.lifeboat.core.storage.ObjectStore,
 * BackupLayout, java.util.Collection)}, of a backup partition's whole stored chain ({@link StoredChain#load}:
 * a resume without a high-water mark) and of a partition resuming after a rebalance at its chain's end
 * ({@link StoredChain#resume}, committed offset and mark at the end), and a restore task resumed in
 * a partition's last segment ({@link BackupCatalog#loadPartitions(io.lifeboat.core.storage.ObjectStore,
 * BackupLayout, Map)}), with the keys each step listed.
 * Run by hand for the large figures:
 * {@code java -cp ... io.lifeboat.backup.PlanningScale <folder> <segments per partition> <partitions>};
 * {@link PlanningScaleTest} runs a small size with a heap bound.
 */
final class PlanningScale {

    static final BackupLayout LAYOUT = new BackupLayout("set/");
    static final String TOPIC = "orders";
    /** Offsets per segment. */
    static final long SPAN = 100;

    /** One measured step: wall time, heap retained by its result, peak heap while it ran, keys listed. */
    record Figure(String step, long millis, long retainedBytes, long peakBytes, long keysListed) {
        @Override
        public String toString() {
            return String.format("%-62s %7d ms  retained %6.1f MB  peak %6.1f MB  %9d keys listed", step, millis,
                    retainedBytes / 1e6, peakBytes / 1e6, keysListed);
        }
    }

    static final String WHOLE_CHAIN = "backup task resuming, no mark: StoredChain.load (each partition)";
    static final String RESUMED_RESTORE = "restore task resumed in its last segment: the same, from there";
    static final String RESUMED_CHAIN = "backup task resuming at its end: StoredChain.resume (each)";

    static List<TopicPartition> create(Path root, int segmentsPerPartition, int partitions) throws IOException {
        List<TopicPartition> created = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            created.add(tp);
            Path folder = root.resolve(LAYOUT.segmentsPrefix(tp));
            Files.createDirectories(folder);
            long previous = SegmentDescriptor.NONE;
            for (int s = 0; s < segmentsPerPartition; s++) {
                long first = s * SPAN;
                SegmentDescriptor d = new SegmentDescriptor(TOPIC, p, first, first + SPAN - 1, previous,
                        1_764_000_000_000L + first, 1_764_000_000_000L + first + SPAN - 1);
                Files.createFile(root.resolve(LAYOUT.segmentKey(d)));
                previous = first + SPAN - 1;
            }
        }
        return created;
    }

    /** Measures each step over the partitions {@link #create} made with {@code segmentsPerPartition}. */
    static List<Figure> measure(Path root, List<TopicPartition> partitions, int segmentsPerPartition) throws Exception {
        List<Figure> figures = new ArrayList<>();
        try (ForwardingStore store = new ForwardingStore(new FilesystemObjectStore(root))) {
            figures.add(step(store, "restore task: BackupCatalog.loadPartitions + PartitionChain.of", () -> {
                BackupCatalog catalog = BackupCatalog.loadPartitions(store, LAYOUT, partitions);
                List<PartitionChain> chains = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    chains.add(PartitionChain.of(tp, catalog.partitions(tp.topic()).get(tp.partition()), null, 0));
                }
                return List.of(catalog, chains);
            }));
            figures.add(step(store, RESUMED_RESTORE, () -> {
                Map<TopicPartition, Long> from = new HashMap<>();
                partitions.forEach(tp -> from.put(tp, segmentsPerPartition * SPAN - SPAN / 2));
                BackupCatalog catalog = BackupCatalog.loadPartitions(store, LAYOUT, from);
                List<PartitionChain> chains = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    PartitionChain chain = PartitionChain.of(tp, catalog.partitions(tp.topic()).get(tp.partition()),
                            null, from.get(tp));
                    if (chain.segments().size() != 1 || !chain.breaks().isEmpty()) {
                        throw new IllegalStateException(tp + ": the resumed chain is " + chain.segments());
                    }
                    chains.add(chain);
                }
                return List.of(catalog, chains);
            }));
            figures.add(step(store, "restore connector: BackupCatalog.load(topics)", () ->
                    BackupCatalog.load(store, LAYOUT, Set.of(TOPIC))));
            figures.add(step(store, WHOLE_CHAIN, () -> {
                List<StoredChain> chains = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    chains.add(StoredChain.load(tp, store, LAYOUT));
                }
                return chains;
            }));
            figures.add(step(store, RESUMED_CHAIN, () -> {
                List<StoredChain> chains = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    long last = segmentsPerPartition * SPAN - 1;
                    StoredChain chain = StoredChain.resume(tp, store, LAYOUT, last + 1, OptionalLong.of(last));
                    if (chain.lastOffset() != last) {
                        throw new IllegalStateException(tp + ": the resumed chain ends at " + chain.lastOffset());
                    }
                    chains.add(chain);
                }
                return chains;
            }));
        }
        return figures;
    }

    private static Figure step(ForwardingStore store, String name, Callable<Object> work) throws Exception {
        store.takeListings();
        long before = usedAfterGc();
        resetPeaks();
        long start = System.nanoTime();
        Object result = work.call();
        long millis = (System.nanoTime() - start) / 1_000_000;
        long peak = peaks();
        long retained = usedAfterGc() - before;
        java.lang.ref.Reference.reachabilityFence(result); // retained: measured while the result is held
        long keys = store.takeListings().stream().mapToLong(ForwardingStore.Listing::keys).sum();
        return new Figure(name, millis, retained, peak, keys);
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return heapPools().stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    private static void resetPeaks() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peaks() {
        return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int perPartition = Integer.parseInt(args[1]);
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        long start = System.nanoTime();
        List<TopicPartition> tps = Files.exists(root.resolve(LAYOUT.segmentsPrefix()))
                ? java.util.stream.IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(TOPIC, p)).toList()
                : create(root, perPartition, partitions);
        System.out.printf("%d segments in %d partition(s) ready in %d ms; max heap %.0f MB%n",
                (long) perPartition * partitions, partitions, (System.nanoTime() - start) / 1_000_000,
                Runtime.getRuntime().maxMemory() / 1e6);
        for (Figure f : measure(root, tps, perPartition)) {
            System.out.println(f);
        }
    }

    private PlanningScale() {
    }
}
