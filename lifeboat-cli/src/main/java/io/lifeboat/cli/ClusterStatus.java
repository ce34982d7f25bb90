package io.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupCatalog.PartitionEntry;
import io.lifeboat.core.layout.BackupCatalog.SegmentEntry;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SegmentDescriptor;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.ObjectStores;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the health of every Lifeboat connector on a Connect cluster through what an operator's tools
 * reach: the Connect REST API, the Kafka cluster's admin API, and the backup sets in their stores.
 * A backup's durable position is its consumer group's committed offsets (the backup commits only
 * what is in the store); its store settings are the connector's own unless the caller gives some.
 */
final class ClusterStatus {

    static final String BACKUP_CLASS = "io.lifeboat.backup.BackupSinkConnector";
    static final String RESTORE_CLASS = "io.lifeboat.restore.RestoreSourceConnector";
    /** The backup connector's default segment.max.age.ms (its config class lives in the plugin, not here). */
    static final long DEFAULT_SEGMENT_MAX_AGE_MS = 5 * 60 * 1000L;
    /** What the Connect REST API shows for a password. */
    private static final String HIDDEN = "[hidden]";
    private static final long TIMEOUT_SECONDS = 30;
    private static final JsonNode NO_OFFSETS = JsonNodeFactory.instance.arrayNode();

    private final ConnectRest connect;
    private final Admin admin;
    private final Optional<StorageConfig> store;
    private final Optional<Duration> maxRpo;
    private final Function<StorageConfig, ObjectStore> openStore;
    private final Clock clock;
    private final Map<String, Object> clientConfig;

    /**
     * @param store  store settings for every backup, or empty to use each connector's own
     * @param maxRpo the RPO above which a partition is BEHIND, or empty for three segment ages plus the
     *               default offset commit interval (one minute)
     */
    ClusterStatus(ConnectRest connect, Admin admin, Map<String, Object> clientConfig, Optional<StorageConfig> store,
                  Optional<Duration> maxRpo) {
        this(connect, admin, clientConfig, store, maxRpo, ObjectStores::openForCheck, Clock.systemUTC());
    }

    /**
     * @param clientConfig Kafka client settings (bootstrap servers included) for counting the records
     *                     between a backup's durable offset and the end ({@link PendingRecords})
     */
    ClusterStatus(ConnectRest connect, Admin admin, Map<String, Object> clientConfig, Optional<StorageConfig> store,
                  Optional<Duration> maxRpo, Function<StorageConfig, ObjectStore> openStore, Clock clock) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.connect = connect;
        this.admin = admin;
        this.store = store;
        this.maxRpo = maxRpo;
        this.openStore = openStore;
        this.clock = clock;
    }

    /** Every Lifeboat connector (or those named), in name order. */
    List<ConnectorHealth> read(Set<String> only) throws IOException, InterruptedException, ExecutionException,
            TimeoutException {
        List<ConnectorHealth> found = new ArrayList<>();
        for (Map.Entry<String, ConnectRest.Described> entry : connect.describeAll().entrySet()) {
            String name = entry.getKey();
            if (!only.isEmpty() && !only.contains(name)) {
                continue;
            }
            JsonNode config = entry.getValue().config();
            String type = config.path("connector.class").asText("");
            if (BACKUP_CLASS.equals(type)) {
                found.add(backup(name, config, entry.getValue().status()));
            } else if (RESTORE_CLASS.equals(type)) {
                found.add(restore(name, entry.getValue().status()));
            }
        }
        for (String name : only) {
            if (found.stream().noneMatch(c -> c.name().equals(name))) {
                found.add(new ConnectorHealth(name, "unknown", "MISSING", List.of(),
                        List.of("no Lifeboat connector " + name + " on " + connect.url()), Optional.empty(),
                        Optional.empty()));
            }
        }
        return found;
    }

    private ConnectorHealth backup(String name, JsonNode config, ConnectRest.Status status) throws IOException,
            InterruptedException, ExecutionException, TimeoutException {
        List<String> problems = new ArrayList<>(ConnectorHealth.stateProblems(name, status));
        Optional<BackupHealth> backup = Optional.empty();
        StorageConfig storage;
        try {
            storage = store.isPresent() ? store.get() : connectorStore(name, config);
        } catch (IllegalArgumentException | ConfigException e) {
            problems.add(e.getMessage());
            return new ConnectorHealth(name, "backup", status.state(), status.tasks(), problems, backup, Optional.empty());
        }
        Duration bound = maxRpo.orElseGet(() -> Duration.ofMillis(3 * config.path("segment.max.age.ms")
                .asLong(DEFAULT_SEGMENT_MAX_AGE_MS) + 60_000));
        List<String> topics = topics(config);
        String group = config.hasNonNull("consumer.override.group.id")
                ? config.get("consumer.override.group.id").asText() : "connect-" + name;
        try (ObjectStore opened = openStore.apply(storage)) {
            BackupLayout layout = new BackupLayout(storage.prefix());
            List<BackupHealth.PartitionLag> partitions = lags(topics, group, opened, layout, problems);
            long now = clock.millis();
            for (BackupHealth.PartitionLag lag : partitions) {
                OptionalLong rpo = lag.rpoMillis(now);
                if (lag.lagRecords() > 0 && (rpo.isEmpty() || rpo.getAsLong() > bound.toMillis())) {
                    problems.add("BEHIND " + lag.topic() + "-" + lag.partition() + ": " + lag.lagRecords()
                            + " records not in the store, " + (rpo.isEmpty() ? "none durable yet"
                            : "the newest durable one " + MetadataStatus.age(Instant.ofEpochMilli(now),
                            now - rpo.getAsLong()) + " old") + " (more than " + bound.toSeconds() + " s)");
                }
            }
            String metadata = MetadataStatus.read(opened, layout).describe(clock.instant());
            backup = Optional.of(new BackupHealth(opened.describe() + " prefix '" + layout.prefix() + "'", partitions,
                    metadata, bound));
        } catch (IOException | RuntimeException e) {
            problems.add("cannot read the backup set of " + name + ": " + e.getMessage());
        }
        return new ConnectorHealth(name, "backup", status.state(), status.tasks(), problems, backup, Optional.empty());
    }

    private ConnectorHealth restore(String name, ConnectRest.Status status) throws IOException {
        List<String> problems = new ArrayList<>(ConnectorHealth.stateProblems(name, status));
        int complete = 0;
        int started = 0;
        for (JsonNode offset : connect.offsets(name).map(o -> o.path("offsets")).orElse(NO_OFFSETS)) {
            started++;
            if (offset.path("offset").path("complete").asBoolean(false)) {
                complete++;
            }
        }
        return new ConnectorHealth(name, "restore", status.state(), status.tasks(), problems, Optional.empty(),
                Optional.of(new ConnectorHealth.RestoreProgress(complete, started)));
    }

    /**
     * The connector's store settings as the REST API shows them. A value hidden there, or one that is a
     * config provider's reference ({@code ${file:...}}, resolved only on the workers), has to come from the
     * caller's store settings instead.
     */
    private static StorageConfig connectorStore(String name, JsonNode config) {
        return StoreOptions.storageConfig(connectorStoreSettings(name, config));
    }

    /** {@link #connectorStore}'s settings, under the connectors' keys. */
    static Map<String, String> connectorStoreSettings(String name, JsonNode config) {
        Map<String, String> shown = shownStoreSettings(config);
        shown.forEach((key, value) -> {
            if (HIDDEN.equals(value) || isReference(value)) {
                throw new IllegalArgumentException("the Connect REST API shows " + key + " of " + name
                        + (isReference(value) ? " as a config provider's reference" : " hidden")
                        + ": give the store settings with --store-config FILE");
            }
        });
        return shown;
    }

    /**
     * The store settings a connector on the backup's workers is to be given: the backup's own, as its
     * config holds them (a config provider's reference stays one, resolved by the workers), when the
     * settings the CLI reads with ({@code given}) are the same store as the backup's: the same keys, and
     * every setting the backup shows in plain text has the same value there. Otherwise (another store,
     * say a copy of the set, or the backup's values hidden) {@code given}.
     */
    static Map<String, String> workerStoreSettings(JsonNode backupConfig, Map<String, String> given) {
        Map<String, String> own = shownStoreSettings(backupConfig);
        boolean same = own.keySet().equals(given.keySet()) && own.entrySet().stream().allMatch(e ->
                !HIDDEN.equals(e.getValue()) && (isReference(e.getValue()) || e.getValue().equals(given.get(e.getKey()))));
        return same ? own : given;
    }

    /** The store settings of a connector's config as the REST API shows them (hidden or references as they are). */
    private static Map<String, String> shownStoreSettings(JsonNode config) {
        Map<String, String> props = new HashMap<>();
        for (String key : StorageConfig.define(new ConfigDef()).names()) {
            if (config.hasNonNull(key)) {
                props.put(key, config.get(key).asText());
            }
        }
        return props;
    }

    private static boolean isReference(String value) {
        return value.startsWith("${");
    }

    /** The backed-up topics: {@code topics}, or those on the cluster that {@code topics.regex} matches. */
    private List<String> topics(JsonNode config) throws InterruptedException, ExecutionException, TimeoutException {
        return backedUpTopics(admin, config);
    }

    /** The topics a backup connector's config names: {@code topics}, or those {@code topics.regex} matches. */
    static List<String> backedUpTopics(Admin admin, JsonNode config) throws InterruptedException, ExecutionException, TimeoutException {
        if (config.hasNonNull("topics") && !config.get("topics").asText().isBlank()) {
            return Arrays.stream(config.get("topics").asText().split(",")).map(String::trim)
                    .filter(t -> !t.isEmpty()).sorted().toList();
        }
        Pattern regex = Pattern.compile(config.path("topics.regex").asText(""));
        return admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                .filter(t -> regex.matcher(t).matches()).sorted().toList();
    }

    /**
     * Every partition's lag. The newest durable timestamp is in the partition's last segments, so each
     * partition's segments are listed from a bound near its committed offset ({@link
     * BackupCatalog#loadPartitions(ObjectStore, BackupLayout, Map)}), not from the start: a backup set of
     * years of segments is not read whole for it.
     */
    private List<BackupHealth.PartitionLag> lags(List<String> topics, String group, ObjectStore store,
                                                 BackupLayout layout, List<String> problems)
            throws InterruptedException, ExecutionException, TimeoutException, IOException {
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(topics).topicNameValues();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            TopicDescription description;
            try {
                description = described.get(topic).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                // one backed-up topic gone (deleted, say) leaves the others measured
                problems.add("MISSING topic " + topic + ": backed up, but not in the Kafka cluster (deleted?); "
                        + "its RPO cannot be measured");
                continue;
            }
            description.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        partitions.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> beginnings = offsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, Long> listFrom = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata durable = committed.get(tp);
            listFrom.put(tp, durable == null ? 0 : Math.max(0, durable.offset() - 1));
        }
        BackupCatalog catalog = BackupCatalog.loadPartitions(store, layout, listFrom);
        List<BackupHealth.PartitionLag> lags = new ArrayList<>();
        PendingRecords pending = null;
        try {
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata durable = committed.get(tp);
                BackupHealth.PartitionLag lag = new BackupHealth.PartitionLag(tp.topic(), tp.partition(),
                        beginnings.get(tp), ends.get(tp),
                        durable == null ? OptionalLong.empty() : OptionalLong.of(durable.offset()),
                        newestTimestamp(catalog.partitions(tp.topic()).get(tp.partition())));
                if (lag.lagOffsets() > 0) {
                    pending = pending == null ? new PendingRecords(clientConfig) : pending;
                    lag = lag.counted(pending.count(tp, lag.firstNotDurable(), lag.endOffset()));
                }
                lags.add(lag);
            }
        } finally {
            if (pending != null) {
                pending.close();
            }
        }
        return lags;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    private static OptionalLong newestTimestamp(PartitionEntry partition) {
        if (partition == null) {
            return OptionalLong.empty();
        }
        long newest = SegmentDescriptor.NONE;
        for (SegmentEntry segment : partition.segments()) {
            long max = segment.descriptor().maxTimestamp();
            if (max != SegmentDescriptor.NONE) {
                newest = newest == SegmentDescriptor.NONE ? max : Math.max(newest, max);
            }
        }
        return newest == SegmentDescriptor.NONE ? OptionalLong.empty() : OptionalLong.of(newest);
    }
}
