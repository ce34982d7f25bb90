package io.lifeboat.cli;

import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ObjectStores;
import io.lifeboat.core.storage.StoredObject;
import io.lifeboat.harness.EmbeddedKafkaConnect;
import io.lifeboat.harness.KafkaTopics;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The disaster-recovery drill behind {@code ./lifeboat drill}: starts Kafka and Kafka Connect in this
 * JVM with both plugins installed, writes awkward sample data ({@link SampleData}), backs it up to a
 * filesystem store in a temporary folder, deletes the topics (the disaster), restores them, and
 * compares every restored record with the original ({@link RecordComparison}).
 */
public final class Drill {

    public static final String BACKUP_CONNECTOR = "lifeboat-drill-backup";
    public static final String RESTORE_CONNECTOR = "lifeboat-drill-restore";
    /** The backup set's prefix inside the embedded store. */
    public static final String PREFIX = "drill";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

    private final Path pluginPath;
    private final PrintStream out;
    private final boolean keepStore;

    /**
     * @param pluginPath the folder with the unpacked plugins
     * @param out        where progress lines go (the report is printed by the caller)
     * @param keepStore  keep the backup set's folder after the drill (for {@code lifeboat list}) instead of
     *                   deleting it
     */
    public Drill(Path pluginPath, PrintStream out, boolean keepStore) {
        this.pluginPath = pluginPath;
        this.out = out;
        this.keepStore = keepStore;
    }

    /** Runs the drill; never throws for a failed step, which the report names instead. */
    public DrillReport run() {
        DrillReport report = new DrillReport();
        String step = "creating the embedded store";
        Path store = null;
        try {
            store = Files.createTempDirectory("lifeboat-drill-store-");
            step = "starting Kafka and Kafka Connect";
            progress("Starting Kafka (1 broker) and Kafka Connect (1 worker) in-process, plugins from " + pluginPath);
            try (EmbeddedKafkaConnect connect = EmbeddedKafkaConnect.startQuietly(pluginPath)) {
                step = "the drill";
                runSteps(connect, store, report);
            }
        } catch (StepFailure e) {
            report.failed(e.step, e.getCause());
        } catch (Exception | AssertionError e) {
            report.failed(step, e);
        } finally {
            cleanUp(store, report);
        }
        return report;
    }

    private void runSteps(EmbeddedKafkaConnect connect, Path storeRoot, DrillReport report) throws Exception {
        ConnectorProgress progress = new ConnectorProgress(connect);
        KafkaTopics kafkaTopics = new KafkaTopics(connect.admin());
        Map<String, String> storage = ConnectorConfigs.filesystemStorage(storeRoot, PREFIX);

        progress("Writing sample data (null/empty keys and values, tombstones, odd headers, ~1 MB records, "
                + "12 partitions with empty ones, committed and aborted transactions)");
        SampleData.Topics topics = step("writing sample data",
                () -> new SampleData(connect.bootstrapServers()).write(connect.admin(), "drill."));
        List<TopicSnapshot> originals = new ArrayList<>();
        for (String topic : topics.all()) {
            TopicSnapshot snapshot = step("reading " + topic, () -> TopicSnapshot.read(connect.bootstrapServers(), topic, STEP_TIMEOUT));
            originals.add(snapshot);
            report.addTopic(snapshot);
        }

        progress("Backing up " + topics.all() + " to the embedded store " + storeRoot);
        long start = System.nanoTime();
        step("backing up", () -> {
            Map<String, String> backup = ConnectorConfigs.backup(BACKUP_CONNECTOR, topics.all(), storage);
            backup.put("source.cluster.bootstrap.servers", connect.bootstrapServers()); // metadata snapshots too
            connect.cluster().configureConnector(BACKUP_CONNECTOR, backup);
            progress.awaitBackupCaughtUp(BACKUP_CONNECTOR, originals, STEP_TIMEOUT);
            return null;
        });
        report.backupTime(Duration.ofNanos(System.nanoTime() - start));
        List<BackupHealth.PartitionLag> rpo = step("measuring the RPO", () -> rpo(connect, storage));
        long rpoMeasuredAt = System.currentTimeMillis();
        step("deleting the backup connector", () -> {
            progress.deleteConnector(BACKUP_CONNECTOR, STEP_TIMEOUT);
            return null;
        });
        List<StoredObject> stored = storeObjects(storeRoot);
        report.store(stored.size(), stored.stream().mapToLong(StoredObject::size).sum());

        progress("Disaster: deleting topics " + topics.all());
        step("deleting the topics", () -> {
            kafkaTopics.deleteAndAwait(topics.all(), STEP_TIMEOUT);
            return null;
        });

        progress("Restoring from the embedded store");
        long restoreStart = System.nanoTime();
        List<TopicPartition> targets = new ArrayList<>();
        originals.forEach(o -> o.partitions().keySet().forEach(p -> targets.add(new TopicPartition(o.topic(), p))));
        List<RestoreSampler.Sample> samples = new ArrayList<>();
        RestoreWatch.Completion completion = step("restoring", () -> {
            try (RestoreSampler sampler = new RestoreSampler(connect.admin(), targets, restoreStart, n -> { })) {
                connect.cluster().configureConnector(RESTORE_CONNECTOR,
                        ConnectorConfigs.restore(RESTORE_CONNECTOR, connect.bootstrapServers(), storage));
                RestoreWatch.Completion done = new RestoreWatch(connect).awaitComplete(RESTORE_CONNECTOR, originals,
                        STEP_TIMEOUT);
                samples.addAll(sampler.finish());
                return done;
            }
        });
        start = restoreStart;
        if (completion == RestoreWatch.Completion.RECORD_COUNTS) {
            report.note("the restore connector's source offsets (GET /connectors/" + RESTORE_CONNECTOR
                    + "/offsets) never said complete=true for every partition; the drill waited for the records");
        }
        report.restoreTime(Duration.ofNanos(System.nanoTime() - start));

        progress("Comparing every restored record with its original");
        for (TopicSnapshot original : originals) {
            TopicSnapshot restored = step("reading restored " + original.topic(),
                    () -> TopicSnapshot.read(connect.bootstrapServers(), original.topic(), STEP_TIMEOUT));
            RecordComparison comparison = RecordComparison.compare(original, restored);
            report.addComparison(comparison);
            for (BackupHealth.PartitionLag lag : rpo) {
                if (lag.topic().equals(original.topic())) {
                    long count = restored.records(lag.partition()).size();
                    OptionalLong rpoMillis = lag.rpoMillis(rpoMeasuredAt); // at the disaster, not now
                    report.addPartition(new DrillReport.PartitionLine(lag.topic(), lag.partition(), lag.topic(),
                            lag.lagRecords(), rpoMillis.isPresent() ? rpoMillis.getAsLong() : null,
                            lag.durableOffset().orElse(-1), count, comparison.matches() ? count : 0));
                }
            }
        }
        report.progress(samples, RestoreSampler.rto(samples));
        step("deleting the restore connector", () -> {
            progress.deleteConnector(RESTORE_CONNECTOR, STEP_TIMEOUT);
            return null;
        });
    }

    /**
     * The RPO of the embedded backup once it caught up, measured as on a real cluster (REST and admin
     * API, {@link ClusterStatus}): every partition's lag in records and time.
     */
    private static List<BackupHealth.PartitionLag> rpo(EmbeddedKafkaConnect connect, Map<String, String> storage)
            throws Exception {
        ConnectorHealth health = new ClusterStatus(new ConnectRest(connect.restUrl()), connect.admin(),
                Map.of("bootstrap.servers", connect.bootstrapServers()),
                Optional.of(StoreOptions.storageConfig(storage)), Optional.empty(), ObjectStores::open,
                Clock.systemUTC()).read(Set.of(BACKUP_CONNECTOR)).get(0);
        return health.backup().map(BackupHealth::partitions).orElseThrow(() -> new IllegalStateException(
                "cannot measure the RPO: " + health.problems()));
    }

    private static List<StoredObject> storeObjects(Path root) throws IOException {
        try (FilesystemObjectStore store = new FilesystemObjectStore(root)) {
            return store.list("");
        }
    }

    private void cleanUp(Path store, DrillReport report) {
        if (store == null) {
            return;
        }
        if (keepStore) {
            report.keptStore(store);
            progress("Kept the backup set: ./lifeboat list --root " + store + " --prefix " + PREFIX);
            return;
        }
        try (Stream<Path> files = Files.walk(store)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            progress("Could not delete the embedded store " + store + ": " + e.getMessage());
        }
    }

    private void progress(String line) {
        out.println("[drill] " + line);
        out.flush();
    }

    private interface Step<T> {
        T run() throws Exception;
    }

    private static <T> T step(String name, Step<T> step) {
        try {
            return step.run();
        } catch (Exception | AssertionError e) {
            throw new StepFailure(name, e);
        }
    }

    /** A failed step, named for the report. */
    private static final class StepFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String step;

        StepFailure(String step, Throwable cause) {
            super(step, cause);
            this.step = step;
        }
    }
}
