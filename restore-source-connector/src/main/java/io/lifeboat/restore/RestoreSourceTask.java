package io.lifeboat.restore;

import io.lifeboat.core.LifeboatVersion;
import io.lifeboat.core.WorkDirectory;
import io.lifeboat.core.layout.BackupCatalog;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.TimeRange;
import io.lifeboat.core.metadata.MetadataSnapshot.CommittedOffset;
import io.lifeboat.core.metrics.TaskMetrics;
import io.lifeboat.core.segment.SegmentFetcher;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.ObjectStores;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Restores the topic-partitions the connector assigned to it, resuming each from its committed source
 * offset. It reads up to {@link #READ_TOGETHER} of them at once, the first ones in task order that are
 * not done (the next joins when one is done), and each poll hands Connect records of all of them: the
 * poll's allowance (at most {@code restore.batch.size} records and about
 * {@link PartitionRestore#MAX_BATCH_BYTES}) is shared between them, round robin, the partition that
 * starts moving on by one each poll. So a produce request carries a batch of each of those partitions
 * rather than of one.
 *
 * <p>Invariants, each per partition as if the partitions were restored one after the other: records in
 * ascending original offset, each at most once; completion reported once the partition's last record
 * ({@code complete=true}) is acknowledged; with {@code restore.consumer.groups}, nothing of a partition
 * after a translation point before that point's groups are dealt with ({@link PartitionGroups}); a
 * partition waiting for that only sits out polls, the others go on. Records of several partitions in
 * one poll change nothing here: Connect keeps source offsets per source partition, and every group
 * field a record carries is its own partition's. The first record the task hands over is the one
 * {@link DestinationCheck} probes with: the first record of the first partition in task order that has
 * one, alone in its poll, as when partitions were restored one after the other.
 *
 * <p>The segments it will read next are downloaded and verified ahead, in parallel, by a bounded
 * {@link SegmentPrefetcher}, in the order {@link ReadOrder} expects them to be asked for, so handing
 * out records seldom waits for the store. A poll takes what is ready without waiting; only when no
 * partition read has a record ready does it wait, at most {@link #SEGMENT_WAIT_MS}, for a segment not
 * fetched yet, so {@link #stop()} never waits long for the task's lock. A read of the store
 * that fails for a while only pauses the task ({@link ReadFailurePolicy}; the records read before it
 * in that poll are handed over); a missing or corrupt segment, or a setting the store rejects, stops
 * it, with nothing of that poll handed over.
 */
public class RestoreSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(RestoreSourceTask.class);
    private static final long IDLE_POLL_MS = 1_000;
    private static final long ACK_WAIT_MS = 20;
    /** Most partitions a task reads at once, each poll handing over records of all of them. */
    static final int READ_TOGETHER = 16;
    /** Longest a poll waits for a segment not fetched yet, and only when no partition has a record ready. */
    static final long SEGMENT_WAIT_MS = 100;
    /** What decides where the work folders are, named in the fix of a local failure. */
    static final String WORK_FOLDER_PLACED_BY = "the worker's java.io.tmpdir";

    private final Path workParent;
    private final Function<Map<String, Object>, Admin> targetAdmins;

    private final List<PartitionRestore> partitions = new ArrayList<>();
    /** The JMX type of the metrics on workers without plugin metrics. */
    static final String METRICS_GROUP = "restore-task-metrics";
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong partitionsDone = new AtomicLong();
    private TaskMetrics metrics;
    private ObjectStore store;
    private WorkDirectory workDir;
    private SegmentPrefetcher prefetcher;
    private int batchSize;
    private int firstNotDone; // every partition before it is done
    private int rotation; // where the next poll starts sharing its allowance among the partitions read
    private TopicPartition retrying; // the partition whose read failed last, until a read of it succeeds
    private final Map<TopicPartition, PartitionRestore> awaitingAck = new ConcurrentHashMap<>();
    private final AtomicBoolean reportedDone = new AtomicBoolean();
    private volatile boolean allHandedOver;
    private long startedAt;
    private DestinationCheck destination;
    private final ReadFailurePolicy readFailures = new ReadFailurePolicy();
    private final Queue<Finished> finishing = new ConcurrentLinkedQueue<>();
    private GroupRepositioning repositioning;
    private String connectorName = "<name>";
    private Map<String, String> groupSnapshots = Map.of();
    private volatile String lostAcknowledgement;

    public RestoreSourceTask() {
        this(Path.of(System.getProperty("java.io.tmpdir"), "lifeboat-restore"));
    }

    /** @param workParent the folder that holds the tasks' work folders */
    RestoreSourceTask(Path workParent) {
        this(workParent, Admin::create);
    }

    /** @param targetAdmins opens the admin client that checks where records go, from its config */
    RestoreSourceTask(Path workParent, Function<Map<String, Object>, Admin> targetAdmins) {
        this.workParent = workParent;
        this.targetAdmins = targetAdmins;
    }

    @Override
    public String version() {
        return LifeboatVersion.get();
    }

    /**
     * Connect calls {@link #stop()} only after start() returned; a start that fails after opening the
     * store, the target's admin client or the work folder closes them itself.
     */
    @Override
    public void start(Map<String, String> props) {
        RestoreSourceConfig config = new RestoreSourceConfig(props);
        batchSize = config.batchSize();
        startedAt = System.currentTimeMillis();
        store = ObjectStores.open(config.storage());
        try {
            connectorName = props.getOrDefault("name", "<name>");
            open(config, connectorName);
            openMetrics(config, connectorName);
        } catch (RuntimeException | Error e) {
            try {
                stop();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * The task's metrics: records acknowledged by the target, partitions assigned and done; per partition the
     * records handed over, the last original offset handed over and the offsets still to restore.
     */
    private void openMetrics(RestoreSourceConfig config, String connectorName) {
        metrics = TaskMetrics.open(() -> context.pluginMetrics(), METRICS_GROUP, connectorName, config.taskNumber());
        metrics.gauge("records-acknowledged-total", "Restored records the target cluster acknowledged in this run",
                Map.of(), acknowledged::get);
        metrics.gauge("partitions-assigned", "Partitions this task restores", Map.of(), partitions::size);
        metrics.gauge("partitions-complete", "Partitions whose last record the target acknowledged in this run",
                Map.of(), partitionsDone::get);
        for (PartitionRestore partition : partitions) {
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("topic", partition.source().topic());
            tags.put("partition", Integer.toString(partition.source().partition()));
            metrics.gauge("records-restored", "Records handed over to Connect in this run", tags,
                    partition::restoredRecords);
            metrics.gauge("last-restored-offset", "The last original offset handed over (-1 for none)", tags,
                    partition::lastHandedOut);
            metrics.gauge("remaining-offsets", "Offsets of the backup set still to restore (0 when complete)", tags,
                    partition::remainingOffsets);
        }
    }

    private void open(RestoreSourceConfig config, String connectorName) {
        destination = new DestinationCheck(() -> targetAdmins.apply(config.targetAdminConfig()),
                String.join(",", config.targetBootstrapServers()), connectorName);
        BackupLayout layout = new BackupLayout(config.storage().prefix());
        TopicMapping mapping = config.topicMapping();
        try {
            workDir = WorkDirectory.create(workParent, "restore-task-");
            Path tempDir = workDir.path();
            SegmentFetcher fetcher = new SegmentFetcher(store, layout, tempDir, WORK_FOLDER_PLACED_BY);
            List<TopicPartition> assigned = TaskAssignment.decode(config.taskPartitions());
            List<Map<String, Object>> keys = assigned.stream().map(RestoreOffsets::sourcePartition).toList();
            Map<Map<String, Object>, Map<String, Object>> offsets = context.offsetStorageReader().offsets(keys);
            Map<TopicPartition, RestoreOffsets.Progress> progress = verifiedProgress(assigned, offsets, mapping);
            prefetcher = new SegmentPrefetcher(fetcher);
            partitions.addAll(PartitionRestores.open(store, layout, mapping, assigned, progress,
                    config.timeRange(), prefetcher::lane));
            openGroups(config, layout, mapping, assigned, progress, fetcher);
            for (TopicPartition tp : assigned) {
                RestoreOffsets.Progress from = progress.get(tp);
                if (from.complete()) {
                    log.info("{} was already restored completely (up to offset {})", tp, from.lastRestoredOffset());
                } else if (from.lastRestoredOffset() >= 0) {
                    log.info("Resuming the restore of {} after offset {}", tp, from.lastRestoredOffset());
                }
            }
            Map<TopicPartition, List<BackupCatalog.SegmentEntry>> plans = new LinkedHashMap<>();
            for (PartitionRestore partition : partitions) { // in task order, the order poll() takes them up in
                plans.put(partition.source(), partition.plannedSegments());
            }
            prefetcher.plan(ReadOrder.of(plans, READ_TOGETHER));
        } catch (IOException e) {
            throw new ConnectException("Cannot start restoring from " + store.describe() + ": " + e.getMessage(), e);
        }
        log.info("Restore task started: {} partitions from {} under prefix '{}'", partitions.size(), store.describe(),
                layout.prefix());
    }

    /** With restore.consumer.groups: the groups of the task's partitions, and partitions done earlier finished. */
    private void openGroups(RestoreSourceConfig config, BackupLayout layout, TopicMapping mapping,
                            List<TopicPartition> assigned, Map<TopicPartition, RestoreOffsets.Progress> progress,
                            SegmentFetcher fetcher) {
        if (config.consumerGroups().isEmpty()) {
            return;
        }
        groupSnapshots = GroupPlan.decode(config.taskSnapshots());
        Map<TopicPartition, Map<String, CommittedOffset>> planned = GroupPlan.planned(store, layout,
                config.taskSnapshots(), config.consumerGroups().get(), assigned);
        if (planned.values().stream().allMatch(Map::isEmpty)) {
            log.info("No consumer group matching {} has committed offsets on this task's partitions",
                    config.consumerGroups().get());
            return;
        }
        TargetGroups target = new TargetGroups(config.targetAdminConfig(), config.consumerGroupPrefix());
        try {
            repositioning = new GroupRepositioning(target, planned, mapping, progress,
                    (tp, offset) -> recordAt(layout, mapping, tp, offset, fetcher));
        } catch (RuntimeException | Error e) {
            target.close();
            throw e;
        }
        for (PartitionRestore partition : partitions) {
            if (partition.isComplete() && repositioning.of(partition.source()) != null) {
                awaitingAck.put(partition.source(), partition);
                finishing.add(new Finished(partition, -1));
            }
        }
    }

    /** The backed-up record at {@code offset} of {@code tp}, as it was restored. */
    private Optional<SourceRecord> recordAt(BackupLayout layout, TopicMapping mapping, TopicPartition tp, long offset,
                                            SegmentFetcher fetcher) {
        try {
            PartitionRestore restore = PartitionRestores.open(store, layout, mapping, List.of(tp),
                    Map.of(tp, new RestoreOffsets.Progress(offset - 1, false)), TimeRange.ALL,
                    p -> SegmentPrefetcher.Source.direct(fetcher)).get(0);
            try {
                return restore.poll(1).stream().filter(r -> PartitionGroups.originalOffset(r) == offset).findFirst();
            } finally {
                restore.close();
            }
        } catch (IOException e) {
            throw new ConnectException("Cannot read offset " + offset + " of " + tp + " from " + store.describe()
                    + " to check where an earlier run stopped: " + e.getMessage(), e);
        }
    }

    /**
     * Each partition's committed progress, a probe offset checked against the target cluster: its
     * record counts only if the target partition holds it (see {@link RestoreOffsets}).
     */
    private Map<TopicPartition, RestoreOffsets.Progress> verifiedProgress(List<TopicPartition> assigned,
            Map<Map<String, Object>, Map<String, Object>> offsets, TopicMapping mapping) {
        Map<TopicPartition, RestoreOffsets.Progress> progress = new HashMap<>();
        Map<TopicPartition, TopicPartition> unverified = new HashMap<>(); // target -> source
        for (TopicPartition tp : assigned) {
            RestoreOffsets.Progress committed = RestoreOffsets.Progress.from(offsets.get(RestoreOffsets.sourcePartition(tp)));
            progress.put(tp, committed);
            if (committed.unverified()) {
                unverified.put(new TopicPartition(mapping.target(tp.topic()), tp.partition()), tp);
            }
        }
        if (unverified.isEmpty()) {
            return progress;
        }
        String clusterId = destination.targetClusterId();
        destination.targetEndOffsets(unverified.keySet()).forEach((target, end) -> {
            TopicPartition tp = unverified.get(target);
            RestoreOffsets.Progress committed = progress.get(tp);
            if (!committed.probeLanded(clusterId, end)) {
                log.warn("The committed offset of {} (offset {}) is that of the record a task handed over first to "
                        + "check where records go, and {} in the target cluster (id {}) does not hold it (it ends at "
                        + "offset {}; before that record: {}): the record went to another cluster, so it is restored "
                        + "again", tp, committed.lastRestoredOffset(), target, clusterId, end, committed.probe());
            }
            progress.put(tp, committed.resolve(clusterId, end));
        });
        return progress;
    }

    @Override
    public synchronized List<SourceRecord> poll() throws InterruptedException {
        long wait = readFailures.remainingWaitMs(System.currentTimeMillis());
        if (wait > 0) {
            Thread.sleep(Math.min(wait, IDLE_POLL_MS)); // short sleeps: stop() waits for this lock
            return null;
        }
        // First: the first record's acknowledgement decides where records go; no group is committed
        // for a record before it is known to be in the target cluster.
        int allowance = destination.allowance(batchSize);
        if (allowance == 0) {
            Thread.sleep(ACK_WAIT_MS);
            return null;
        }
        if (lostAcknowledgement != null) {
            throw new ConnectException(lostAcknowledgement);
        }
        if (repositioning != null) {
            repositioning.newPoll();
        }
        finishAcknowledged();
        List<PartitionRestore> reading = readingTogether();
        if (destination.probes() && reading.size() > 1) {
            reading = reading.subList(0, 1); // the probe: the first record of the first partition, as ever
        }
        if (reading.isEmpty()) {
            allHandedOver = true;
            reportFinishedOnce();
            if (reportedDone.get() && repositioning != null && !repositioning.problems().isEmpty()) {
                throw repositioning.failure(connectorName);
            }
            Thread.sleep(IDLE_POLL_MS);
            return null;
        }
        int share = (allowance + reading.size() - 1) / reading.size();
        int from = Math.floorMod(rotation++, reading.size());
        // First without waiting for any segment: what is fetched goes now. Only when nothing is, the
        // partitions are read again, the first whose segment is not fetched yet waiting a little for it.
        Round round = collect(reading, from, share,
                PollBudget.bounded(allowance, PartitionRestore.MAX_BATCH_BYTES, 0));
        if (round.batch().isEmpty() && round.stalled() && !round.failed()) {
            round = collect(reading, from, share,
                    PollBudget.bounded(allowance, PartitionRestore.MAX_BATCH_BYTES, SEGMENT_WAIT_MS));
        }
        if (round.batch().isEmpty()) {
            if (!round.moved()) {
                Thread.sleep(ACK_WAIT_MS); // every partition read waits for its translation point's groups
            }
            return null;
        }
        return destination.handOver(round.batch(), round.first().resumedAfter());
    }

    /**
     * What one pass over the partitions read gave: the records, the partition of the first of them;
     * whether a partition waited for a segment not fetched yet, a read failed (transiently: a fatal
     * failure throws), or anything happened at all (records, a wait, a failure, a partition done).
     */
    private record Round(List<SourceRecord> batch, PartitionRestore first, boolean stalled, boolean failed,
                         boolean moved) {
    }

    /**
     * One pass over the partitions read, from the one at {@code from} round robin, each giving up to
     * {@code share} records within {@code budget}. A transient read failure ends the pass (the
     * records before it are handed over); a fatal one throws, and nothing of the pass is handed over
     * (the task stops; a restart resumes from the committed offsets).
     */
    private Round collect(List<PartitionRestore> reading, int from, int share, PollBudget budget) {
        List<SourceRecord> batch = new ArrayList<>();
        PartitionRestore first = null;
        boolean stalled = false;
        boolean moved = false;
        for (int i = 0; i < reading.size() && budget.left(); i++) {
            PartitionRestore partition = reading.get((from + i) % reading.size());
            List<SourceRecord> records;
            try {
                records = next(partition, Math.min(share, budget.records()), budget);
            } catch (IOException e) {
                readFailures.failed("Restore of " + partition.source() + " into " + partition.targetTopic(), e,
                        System.currentTimeMillis());
                retrying = partition.source();
                return new Round(batch, first, stalled, true, true);
            }
            if (records == null) {
                continue; // at a translation point whose groups are not dealt with yet
            }
            stalled |= partition.waitingForSegment();
            moved |= !records.isEmpty() || partition.waitingForSegment() || done(partition);
            if (first == null && !records.isEmpty()) {
                first = partition;
            }
            batch.addAll(records);
        }
        return new Round(batch, first, stalled, false, moved);
    }

    /**
     * The partitions read in this poll: the first {@link #READ_TOGETHER} in task order that are not
     * {@link #done}. Being done does not end, so the next partition joins when one is done, the order
     * {@link ReadOrder} plans the prefetching in.
     */
    private List<PartitionRestore> readingTogether() {
        while (firstNotDone < partitions.size() && done(partitions.get(firstNotDone))) {
            firstNotDone++;
        }
        List<PartitionRestore> reading = new ArrayList<>(READ_TOGETHER);
        for (int i = firstNotDone; i < partitions.size() && reading.size() < READ_TOGETHER; i++) {
            if (!done(partitions.get(i))) {
                reading.add(partitions.get(i));
            }
        }
        return reading;
    }

    /**
     * Whether the partition has nothing more to hand over: complete, with no records held back and no
     * translation point waiting for its groups. Once done, a partition stays done.
     */
    private boolean done(PartitionRestore partition) {
        PartitionGroups groups = groupsOf(partition);
        return partition.isComplete() && (groups == null || !groups.hasHeldBack() && !groups.atPoint());
    }

    private PartitionGroups groupsOf(PartitionRestore partition) {
        return repositioning == null ? null : repositioning.of(partition.source());
    }

    /**
     * The partition's next records for this poll, up to {@code max} within {@code budget}, in its
     * order: with its groups' fields in their source offsets, nothing after a translation point
     * ({@link PartitionGroups#cut}), and the partition queued for its completion report when its last
     * record goes (or went, an empty batch on a complete partition). Null while the partition is at a
     * translation point whose groups are not dealt with: nothing of it is handed over until they are.
     * Empty when the partition waits for a segment, or is complete.
     */
    private List<SourceRecord> next(PartitionRestore partition, int max, PollBudget budget) throws IOException {
        PartitionGroups groups = groupsOf(partition);
        if (groups != null && groups.atPoint() && !commitPoint(groups)) {
            return null;
        }
        boolean heldBack = groups != null && groups.hasHeldBack();
        if (partition.isComplete() && !heldBack) {
            return List.of();
        }
        List<SourceRecord> batch;
        if (heldBack) {
            batch = groups.nextHeldBack(max);
            budget.takeHeld(batch.size());
        } else {
            batch = partition.poll(max, budget);
        }
        if (!batch.isEmpty() || !partition.waitingForSegment()) {
            readSucceeded(partition);
        }
        if (groups != null) {
            batch = withGroups(groups, groups.cut(batch));
            groups.handedOver(batch.size());
        } else if (repositioning != null) {
            batch = withSnapshot(partition.source().topic(), batch); // pins the snapshot for a restart
        }
        if (!batch.isEmpty() && RestoreOffsets.isLast(batch.get(batch.size() - 1))) {
            awaitingAck.put(partition.source(), partition);
        } else if (batch.isEmpty() && partition.isComplete() && !(groups != null && groups.hasHeldBack())) {
            awaitingAck.put(partition.source(), partition);
            finishing.add(new Finished(partition, -1));
            finishAcknowledged();
        }
        return batch;
    }

    /**
     * A read of the partition succeeded. The backoff of {@link ReadFailurePolicy} starts again only
     * when the read that failed (the one of {@link #retrying}) succeeds: reads of other partitions
     * succeeding meanwhile do not make a failing one retry sooner.
     */
    private void readSucceeded(PartitionRestore partition) {
        if (retrying == null || retrying.equals(partition.source())) {
            readFailures.succeeded();
            retrying = null;
        }
    }

    /** A partition whose last record the target acknowledged (at {@code targetOffset}; -1: none written). */
    private record Finished(PartitionRestore partition, long targetOffset) {
    }

    /** Commits the groups of the partition's translation point once it is acknowledged and visible. */
    private boolean commitPoint(PartitionGroups groups) {
        OptionalLong ack = groups.pointAcknowledged();
        return ack.isPresent() && repositioning.commitPoint(groups, ack.getAsLong());
    }

    /** The records with the snapshot their topic's groups come from in their source offsets. */
    private List<SourceRecord> withSnapshot(String topic, List<SourceRecord> batch) {
        Map<String, Object> fields = RestoreOffsets.groupFields(new RestoreOffsets.GroupProgress(Map.of(), Map.of(),
                Set.of(), groupSnapshots.getOrDefault(topic, "")), List.of());
        return batch.stream().map(r -> RestoreOffsets.withFields(r, fields)).toList();
    }

    /**
     * The records with their partition's consumer groups in their source offsets: the same fields for
     * the whole batch (groups are committed between batches), plus the point's groups on a translation
     * point and the end's on the partition's last record.
     */
    private List<SourceRecord> withGroups(PartitionGroups groups, List<SourceRecord> batch) {
        String snapshot = groupSnapshots.getOrDefault(groups.source().topic(), "");
        RestoreOffsets.GroupProgress progress = new RestoreOffsets.GroupProgress(groups.committed(),
                groups.uncommitted(), Set.of(), snapshot);
        Map<String, Object> fields = RestoreOffsets.groupFields(progress, List.of());
        List<SourceRecord> records = new ArrayList<>(batch.size());
        for (SourceRecord record : batch) {
            boolean point = groups.atPoint() && PartitionGroups.originalOffset(record) == groups.pointOffset();
            if (point) {
                records.add(RestoreOffsets.withGroups(record, new RestoreOffsets.GroupProgress(groups.committed(),
                        groups.uncommitted(), Set.copyOf(groups.pointGroups()), snapshot), groups.untranslatedGroups()));
            } else if (RestoreOffsets.isLast(record)) {
                records.add(RestoreOffsets.withGroups(record, progress, groups.untranslatedGroups()));
            } else {
                records.add(RestoreOffsets.withFields(record, fields));
            }
        }
        return records;
    }

    /**
     * Partitions whose last record was acknowledged: their consumer groups are committed at the end
     * (on the task's thread), and only then are they reported complete. A partition not ready yet
     * (its translation point or last records not yet visible in the target) stays queued for the next
     * poll: waiting here would hold up the transaction commit that makes them visible.
     */
    private void finishAcknowledged() {
        for (int queued = finishing.size(); queued > 0; queued--) {
            Finished done = finishing.poll();
            if (done == null) {
                break;
            }
            PartitionGroups groups = repositioning == null ? null : repositioning.of(done.partition().source());
            if (groups != null && !finishGroups(groups, done)) {
                finishing.add(done);
                continue;
            }
            reportRestored(done.partition(), groups);
            awaitingAck.remove(done.partition().source());
        }
        reportFinishedOnce();
    }

    private boolean finishGroups(PartitionGroups groups, Finished done) {
        if (groups.atPoint() && !commitPoint(groups)) {
            return false; // the partition's last record is a translation point
        }
        if (groups.unacknowledged() > 0) {
            return false; // records before an empty last batch (a read retried at the end) still in flight
        }
        return repositioning.finish(groups, Math.max(done.targetOffset(), groups.lastAcknowledged()));
    }

    /**
     * Called by Connect once the target cluster acknowledged a record: completion is reported only
     * when a partition's last record is acknowledged, not when it is handed over. Runs on the
     * producer's thread.
     */
    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        if (metadata == null || !metadata.hasOffset()) {
            if (repositioning != null && lostAcknowledgement == null) {
                // Without the record's target offset, no group can be committed exactly there: stop, loudly.
                lostAcknowledgement = "Connect reported record " + record.sourceOffset().get(RestoreOffsets.OFFSET)
                        + " of " + record.sourcePartition() + " as " + (metadata == null ? "dropped (not written: "
                        + "a transform or an error tolerance configured around the connector?)" : "written without an "
                        + "offset (acks=0 in the worker's producer settings?)") + ", so its target offset is unknown "
                        + "and restore.consumer.groups cannot be committed exactly; restore with acks=all and no "
                        + "transforms or error tolerance";
            }
            return;
        }
        destination.acknowledged(metadata);
        acknowledged.incrementAndGet();
        if (repositioning != null) {
            repositioning.acknowledged(record, metadata.offset());
        }
        if (!RestoreOffsets.isLast(record)) {
            return;
        }
        Map<String, ?> source = record.sourcePartition();
        TopicPartition tp = new TopicPartition((String) source.get(RestoreOffsets.TOPIC),
                ((Number) source.get(RestoreOffsets.PARTITION)).intValue());
        PartitionRestore partition = awaitingAck.get(tp);
        if (partition == null) {
            return;
        }
        if (repositioning != null && repositioning.of(tp) != null) {
            finishing.add(new Finished(partition, metadata.offset())); // groups are committed on the task's thread
        } else {
            awaitingAck.remove(tp);
            reportRestored(partition, null);
            reportFinishedOnce();
        }
    }

    private void reportRestored(PartitionRestore partition, PartitionGroups groups) {
        partitionsDone.incrementAndGet();
        String groupReport = groups == null ? "" : "; consumer groups committed there: " + groups.committed()
                + (groups.uncommitted().isEmpty() ? "" : ", NOT committed: " + groups.uncommitted().keySet());
        log.info("Restored {} into {}-{}: {} records written in this run, all acknowledged{}{}", partition.source(),
                partition.targetTopic(), partition.source().partition(), partition.restoredRecords(),
                partition.cutReport().isEmpty() ? "" : ". " + partition.cutReport(), groupReport);
    }

    private void reportFinishedOnce() {
        if (allHandedOver && awaitingAck.isEmpty() && finishing.isEmpty() && reportedDone.compareAndSet(false, true)) {
            long records = partitions.stream().mapToLong(PartitionRestore::restoredRecords).sum();
            log.info("Restore task finished: {} partitions complete, {} records written in this run and acknowledged, "
                    + "{} ms", partitions.size(), records, System.currentTimeMillis() - startedAt);
        }
    }

    @Override
    public synchronized void stop() {
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
        for (PartitionRestore partition : partitions) {
            try {
                partition.close();
            } catch (IOException e) {
                log.warn("Cannot close the segment of {}: {}", partition.source(), e.getMessage());
            }
        }
        if (prefetcher != null) {
            prefetcher.close(); // before the work folder goes: it deletes the copies fetched ahead
        }
        if (store != null) {
            store.close();
        }
        if (destination != null) {
            destination.close();
        }
        if (repositioning != null) {
            repositioning.close();
        }
        if (workDir != null) {
            workDir.close();
        }
    }
}
