package io.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupCatalog.PartitionEntry;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.HighWaterMarks;
import io.lifeboat.core.layout.PartitionChain;
import io.lifeboat.core.layout.SnapshotKey;
import io.lifeboat.core.metadata.MetadataSnapshot;
import io.lifeboat.core.metadata.MetadataSnapshots;
import io.lifeboat.core.segment.SegmentFetcher;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.ObjectStores;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The drill on a user's own clusters, reached only through the Connect REST API, the Kafka admin and
 * consumer APIs and the backup set's store: for a running backup it measures the RPO at the start (per
 * partition, how far the durable backup is behind the live topic, in records and in time), restores the
 * chosen topics into new topics named after the drill ({@link DrillNames}) with the restore connector,
 * never touching the originals, verifies every restored record against the backup set byte for byte,
 * measures the RTO (from submitting the restore to its last record written), checks the consumer groups
 * it repositioned under the drill's name, and removes everything it created unless asked to keep it.
 */
final class ClusterDrill {

    /**
     * What to drill.
     *
     * @param backup  the backup connector, or empty to take the only one on the cluster
     * @param topics  the backed-up topics to restore, or empty for all
     * @param store   store settings under the connectors' keys, or empty to use the backup connector's own
     * @param timeout how long the restore and each verification may take
     * @param keep     leave the restored topics, groups and the connector in place
     * @param parallel partitions verified at a time
     */
    record Options(Optional<String> backup, List<String> topics, Optional<Map<String, String>> store, Duration timeout,
                   boolean keep, int parallel) {
    }

    private final ConnectRest rest;
    private final Admin admin;
    private final String bootstrap;
    private final Map<String, String> clientSettings;
    private final Options options;
    private final PrintStream out;
    private final boolean terminal;
    private final Clock clock;
    /** Per repositioned group, where it must resume on each restored partition (found while verifying). */
    private final Map<String, List<DrillReport.GroupCheck>> expectedGroups = new TreeMap<>();
    /** When the RPO was measured (epoch millis): the RPO's time is the age of the newest durable record then. */
    private long rpoMeasuredAt;

    ClusterDrill(ConnectRest rest, Admin admin, String bootstrap, Map<String, String> clientSettings, Options options,
                 PrintStream out, boolean terminal, Clock clock) {
        this.rest = rest;
        this.admin = admin;
        this.bootstrap = bootstrap;
        this.clientSettings = Map.copyOf(clientSettings);
        this.options = options;
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
    }

    /**
     * Topic configs of the drill's topics over the backed-up ones: no retention by time or size and no
     * compaction, so nothing restored goes before it is verified.
     */
    static final String DRILL_TOPIC_CONFIGS = "cleanup.policy=delete,retention.ms=-1,retention.bytes=-1";

    /** A drill that cannot start: named backup or topics wrong, or nothing to restore. */
    static final class SetupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SetupException(String message) {
            super(message);
        }
    }

    /** Runs the drill; a failed step is named in the report, never thrown (but for {@link SetupException}). */
    DrillReport run() throws Exception {
        Instant start = clock.instant();
        DrillNames names = DrillNames.at(start);
        String backup = chooseBackup();
        JsonNode config = rest.config(backup).orElseThrow(() -> new SetupException("no connector " + backup + " on "
                + rest.url()));
        Map<String, String> storage;
        try {
            storage = options.store().orElseGet(() -> ClusterStatus.connectorStoreSettings(backup, config));
        } catch (IllegalArgumentException e) { // a password the REST API hides, or a config provider's reference
            throw new SetupException(e.getMessage());
        }
        StorageConfig storageConfig = StoreOptions.storageConfig(storage);
        List<String> topics = chooseTopics(backup, ClusterStatus.backedUpTopics(admin, config).stream()
                .filter(t -> !t.startsWith(DrillNames.PREFIX)).toList()); // an earlier drill's, kept with --keep
        refuseBackingUpTheDrill(backup, config, names, topics);
        DrillReport report = new DrillReport();
        List<String> targetTopics = new ArrayList<>();
        String step = "measuring the RPO of " + backup;
        try (ObjectStore store = ObjectStores.open(storageConfig)) {
            BackupLayout layout = new BackupLayout(storageConfig.prefix());
            report.cluster(names.id(), backup, store.describe() + " prefix '" + layout.prefix() + "'", start);
            progress("Drill " + names.id() + " of backup " + backup + " (" + store.describe() + ")");
            Map<TopicPartition, BackupHealth.PartitionLag> lags = rpoAtStart(backup, storageConfig, topics, report);

            step = "planning the restore";
            BackupCatalog catalog = BackupCatalog.load(store, layout, topics);
            List<String> restored = new ArrayList<>();
            for (String topic : topics) {
                if (catalog.partitions(topic).values().stream().anyMatch(p -> !p.segments().isEmpty())) {
                    restored.add(topic);
                } else {
                    report.note("topic " + topic + " has no records in the backup set yet: not restored");
                }
            }
            if (restored.isEmpty()) {
                throw new IllegalStateException("the backup set holds no records of " + topics + " yet");
            }
            List<String> drillTopics = restored.stream().map(names::targetTopic).toList();
            refuseExisting(drillTopics); // before they are the drill's to clean up: a topic it did not create stays
            targetTopics.addAll(drillTopics);
            boolean groups = groupsRecorded(store, layout, restored, report);

            step = "restoring";
            progress("Restoring " + restored + " into " + targetTopics + " with connector " + names.connector());
            long total = approximateRecords(catalog, restored);
            long submitted = System.nanoTime();
            rest.putConnector(names.connector(), restoreConfig(names, config, storage, restored, groups));
            List<TopicPartition> sources = new ArrayList<>();
            List<TopicPartition> targets = new ArrayList<>();
            for (String topic : restored) {
                catalog.partitions(topic).forEach((p, entry) -> {
                    if (!entry.segments().isEmpty()) {
                        sources.add(new TopicPartition(topic, p));
                    }
                });
            }
            lags.keySet().stream().filter(tp -> restored.contains(tp.topic()))
                    .forEach(tp -> targets.add(new TopicPartition(names.targetTopic(tp.topic()), tp.partition())));
            ProgressLine bar = new ProgressLine(out, terminal, "[drill] restoring", "records");
            List<RestoreSampler.Sample> samples;
            try (RestoreSampler sampler = new RestoreSampler(admin, targets, submitted, n -> bar.update(n, total))) {
                try {
                    new RestoreWatch(rest, admin, Duration.ofMinutes(1))
                            .awaitSourceOffsetsComplete(names.connector(), sources, options.timeout());
                } finally {
                    bar.done();
                }
                samples = sampler.finish();
            }
            long completeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - submitted);
            report.restoreTime(Duration.ofMillis(completeMillis));

            step = "verifying the restored topics against the backup set";
            progress("Comparing every restored record with the backup set");
            Map<TopicPartition, Map<String, Long>> groupOffsets = groups ? repositionedGroups(store, layout, names)
                    : Map.of();
            verify(store, layout, names, restored, lags, groupOffsets, report);
            long rto = RestoreSampler.rto(samples);
            report.progress(samples, rto < 0 ? completeMillis : rto);
            report.note("the restore connector reported every partition complete after "
                    + String.format("%.1f s", completeMillis / 1000.0) + " (its source offsets are committed every "
                    + "offset.flush.interval.ms of the workers, after the records)");
            if (groups) {
                step = "checking the repositioned consumer groups";
                checkGroups(names, report);
            }
        } catch (SetupException e) {
            throw e;
        } catch (Exception | AssertionError e) {
            report.failed(step, e);
        } finally {
            if (options.keep()) {
                report.note("kept (--keep): connector " + names.connector() + ", topics " + targetTopics
                        + ", consumer groups " + names.groupPrefix() + "*");
            } else {
                progress("Cleaning up: connector " + names.connector() + ", topics " + targetTopics + ", groups "
                        + names.groupPrefix() + "*");
                report.cleanedUp(new DrillCleanup(rest, admin, names).run(targetTopics));
            }
        }
        return report;
    }

    /**
     * A backup by {@code topics.regex} that matches the drill's topic names would back up the restored
     * records into its own backup set, for good (cleanup deletes topics, never a backup's segments).
     */
    static void refuseBackingUpTheDrill(String backup, JsonNode config, DrillNames names, List<String> topics) {
        String regex = config.path("topics.regex").asText("");
        if (config.path("topics").asText("").isBlank() && !regex.isEmpty()) {
            Pattern pattern = Pattern.compile(regex);
            List<String> caught = topics.stream().map(names::targetTopic).filter(t -> pattern.matcher(t).matches())
                    .toList();
            if (!caught.isEmpty()) {
                throw new SetupException("backup " + backup + " has topics.regex=" + regex + ", which matches the "
                        + "drill's topics " + caught + ": it would back up the restored records into its backup set. "
                        + "Leave the drill's topics out of it, e.g. topics.regex=(?!" + DrillNames.PREFIX + ")" + regex);
            }
        }
    }

    private String chooseBackup() throws IOException {
        List<String> backups = new ArrayList<>();
        for (String name : new TreeSet<>(rest.connectors())) {
            Optional<JsonNode> config = rest.config(name);
            if (config.isPresent() && ClusterStatus.BACKUP_CLASS.equals(config.get().path("connector.class").asText())) {
                backups.add(name);
            }
        }
        if (options.backup().isPresent()) {
            if (!backups.contains(options.backup().get())) {
                throw new SetupException("--backup " + options.backup().get() + ": no Lifeboat backup connector of that "
                        + "name on " + rest.url() + " (backups there: " + backups + ")");
            }
            return options.backup().get();
        }
        if (backups.size() != 1) {
            throw new SetupException(backups.isEmpty() ? "no Lifeboat backup connector on " + rest.url()
                    : "several Lifeboat backup connectors on " + rest.url() + ": " + backups + "; name one with --backup");
        }
        return backups.get(0);
    }

    private List<String> chooseTopics(String backup, List<String> backedUp) {
        if (options.topics().isEmpty()) {
            return backedUp;
        }
        List<String> unknown = options.topics().stream().filter(t -> !backedUp.contains(t)).toList();
        if (!unknown.isEmpty()) {
            throw new SetupException("--topics " + unknown + ": not backed up by " + backup + " (it backs up " + backedUp
                    + ")");
        }
        return options.topics().stream().distinct().sorted().toList();
    }

    /** Per partition of the chosen topics, the RPO now, as {@code lifeboat status} measures it. */
    private Map<TopicPartition, BackupHealth.PartitionLag> rpoAtStart(String backup, StorageConfig storage,
                                                                      List<String> topics, DrillReport report)
            throws Exception {
        ConnectorHealth health = new ClusterStatus(rest, admin, clientConfig(), Optional.of(storage), Optional.empty(), ObjectStores::open,
                clock).read(Set.of(backup)).get(0);
        health.problems().forEach(p -> report.note("backup " + backup + ": " + p));
        BackupHealth backupHealth = health.backup().orElseThrow(() -> new IllegalStateException(
                "cannot measure the RPO of " + backup + ": " + health.problems()));
        rpoMeasuredAt = clock.millis();
        Map<TopicPartition, BackupHealth.PartitionLag> lags = new LinkedHashMap<>();
        for (BackupHealth.PartitionLag lag : backupHealth.partitions()) {
            if (topics.contains(lag.topic())) {
                lags.put(new TopicPartition(lag.topic(), lag.partition()), lag);
            }
        }
        return lags;
    }

    private void refuseExisting(List<String> targetTopics) throws Exception {
        Set<String> existing = new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
        existing.retainAll(targetTopics);
        if (!existing.isEmpty()) {
            throw new IllegalStateException("topics " + existing + " exist already; the drill restores only into "
                    + "topics it creates");
        }
    }

    /** Whether every restored topic has a metadata snapshot with consumer groups: then the drill restores them. */
    private static boolean groupsRecorded(ObjectStore store, BackupLayout layout, List<String> topics, DrillReport report)
            throws IOException {
        Map<String, MetadataSnapshots.Found> snapshots = MetadataSnapshots.forTopics(store, layout, topics,
                OptionalLong.empty());
        List<String> without = topics.stream().filter(t -> !snapshots.containsKey(t)).toList();
        if (!without.isEmpty()) {
            report.note("no metadata snapshot of " + without + " in the backup set (a backup records them with "
                    + "source.cluster.bootstrap.servers): consumer groups are not restored");
            return false;
        }
        boolean any = snapshots.entrySet().stream().anyMatch(e -> e.getValue().snapshot().groups().values().stream()
                .anyMatch(g -> g.offsets().keySet().stream().anyMatch(tp -> tp.topic().equals(e.getKey()))));
        if (!any) {
            report.note("the backup set records no consumer group with offsets on " + topics);
        }
        return any;
    }

    private Map<String, String> restoreConfig(DrillNames names, JsonNode backupConfig, Map<String, String> storage,
                                              List<String> topics, boolean groups) {
        // The backup's own store settings when the drill reads the same store: a secret it keeps behind a
        // config provider's reference stays behind it, never written into the restore's config.
        Map<String, String> config = ConnectorConfigs.restore(names.connector(), bootstrap,
                ClusterStatus.workerStoreSettings(backupConfig, storage));
        config.put("tasks.max", backupConfig.path("tasks.max").asText("1"));
        config.put("restore.topics", String.join(",", topics));
        config.put("restore.topic.mapping", String.join(",", topics.stream().map(t -> t + ":" + names.targetTopic(t))
                .toList()));
        // The drill's topics keep every restored record while it verifies them, whatever the original's
        // retention (a backup older than it is the usual case) or compaction: they are deleted afterwards.
        config.put("restore.topic.configs", DRILL_TOPIC_CONFIGS);
        clientSettings.forEach((key, value) -> config.put("target.cluster." + key, value));
        if (groups) {
            config.put("restore.consumer.groups", ".*");
            config.put("restore.consumer.group.prefix", names.groupPrefix());
        }
        return config;
    }

    /** About how many records the backup set holds of the topics (offsets spanned), for the progress bar. */
    private static long approximateRecords(BackupCatalog catalog, List<String> topics) {
        long total = 0;
        for (String topic : topics) {
            for (PartitionEntry entry : catalog.partitions(topic).values()) {
                if (!entry.segments().isEmpty()) {
                    total += entry.segments().get(entry.segments().size() - 1).descriptor().lastOffset() + 1
                            - entry.segments().get(0).descriptor().firstOffset();
                }
            }
        }
        return total;
    }

    /**
     * The groups the restore repositioned and their offsets in the backed-up partitions, from the metadata
     * snapshots its tasks were given (their configs name them), by backed-up partition then group.
     */
    private Map<TopicPartition, Map<String, Long>> repositionedGroups(ObjectStore store, BackupLayout layout,
                                                                     DrillNames names) throws IOException {
        Map<String, String> keys = new TreeMap<>();
        for (Map<String, String> task : rest.taskConfigs(names.connector())) {
            String encoded = task.getOrDefault("restore.task.snapshots", "");
            for (String entry : encoded.isEmpty() ? new String[0] : encoded.split(",")) {
                int eq = entry.indexOf('=');
                keys.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        Map<TopicPartition, Map<String, Long>> offsets = new HashMap<>();
        for (Map.Entry<String, String> entry : keys.entrySet()) {
            SnapshotKey key = layout.parseSnapshotKey(entry.getValue()).orElseThrow(() -> new IOException(
                    "the restore's task config names " + entry.getValue() + ", not a metadata snapshot key"));
            MetadataSnapshot snapshot = MetadataSnapshots.read(store, key);
            snapshot.groups().forEach((group, committed) -> committed.offsets().forEach((tp, offset) -> {
                if (tp.topic().equals(entry.getKey())) {
                    offsets.computeIfAbsent(tp, p -> new TreeMap<>()).put(group, offset.offset());
                }
            }));
        }
        return offsets;
    }

    /** Verifies every partition of the restored topics. */
    private void verify(ObjectStore store, BackupLayout layout, DrillNames names, List<String> topics,
                        Map<TopicPartition, BackupHealth.PartitionLag> lags,
                        Map<TopicPartition, Map<String, Long>> groupOffsets, DrillReport report) throws Exception {
        BackupCatalog catalog = BackupCatalog.load(store, layout, topics);
        Map<TopicPartition, HighWaterMarks.Mark> marks = HighWaterMarks.readAll(store, layout);
        Map<String, Object> client = clientConfig();
        Path work = Files.createTempDirectory("lifeboat-drill-verify-");
        try {
            List<TopicPartition> partitions = new ArrayList<>(lags.keySet().stream()
                    .filter(tp -> topics.contains(tp.topic())).toList());
            partitions.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            List<RestoredTopicsVerifier.Job> jobs = new ArrayList<>();
            for (TopicPartition source : partitions) {
                jobs.add(new RestoredTopicsVerifier.Job(source,
                        new TopicPartition(names.targetTopic(source.topic()), source.partition()),
                        PartitionChain.of(source, catalog.partitions(source.topic()).get(source.partition()),
                                marks.get(source), 0),
                        lags.get(source).durableOffset().orElse(-1), groupOffsets.getOrDefault(source, Map.of())));
            }
            List<RestoredPartitionCheck.Result> results = new RestoredTopicsVerifier(client,
                    new SegmentFetcher(store, layout, work), options.timeout(), options.parallel()).verify(jobs);
            for (int i = 0; i < jobs.size(); i++) {
                RestoredTopicsVerifier.Job job = jobs.get(i);
                RestoredPartitionCheck.Result result = results.get(i);
                BackupHealth.PartitionLag lag = lags.get(job.source());
                report.addDifferences(result.differences());
                report.recordsCompared(result.recordsVerified());
                OptionalLong rpo = lag.rpoMillis(rpoMeasuredAt);
                report.addPartition(new DrillReport.PartitionLine(job.source().topic(), job.source().partition(),
                        job.target().topic(), lag.lagRecords(), rpo.isPresent() ? rpo.getAsLong() : null,
                        lag.durableOffset().orElse(-1), result.restoredEnd(), result.recordsVerified()));
                result.groupPositions().forEach((group, position) -> expectedGroups.computeIfAbsent(group,
                        g -> new ArrayList<>()).add(new DrillReport.GroupCheck(group, names.groupPrefix() + group,
                        job.target().topic(), job.target().partition(), job.groups().get(group), position, null)));
            }
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Reads each repositioned group's committed offsets under the drill's name and reports them beside the expected. */
    private void checkGroups(DrillNames names, DrillReport report) throws Exception {
        for (Map.Entry<String, List<DrillReport.GroupCheck>> entry : expectedGroups.entrySet()) {
            String targetGroup = names.groupPrefix() + entry.getKey();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(targetGroup)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            for (DrillReport.GroupCheck expected : entry.getValue()) {
                OffsetAndMetadata actual = committed.get(new TopicPartition(expected.targetTopic(), expected.partition()));
                report.addGroup(new DrillReport.GroupCheck(expected.group(), targetGroup, expected.targetTopic(),
                        expected.partition(), expected.originalOffset(), expected.expectedOffset(),
                        actual == null ? null : actual.offset()));
            }
        }
    }

    private Map<String, Object> clientConfig() {
        Map<String, Object> client = new HashMap<>(clientSettings);
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return client;
    }

    private void progress(String line) {
        out.println("[drill] " + line);
        out.flush();
    }
}
