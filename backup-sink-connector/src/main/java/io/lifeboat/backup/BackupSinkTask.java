package io.lifeboat.backup;

import io.lifeboat.core.Causes;
import io.lifeboat.core.LifeboatVersion;
import io.lifeboat.core.RetryBackoff;
import io.lifeboat.core.WorkDirectory;
import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.metrics.TaskMetrics;
import io.lifeboat.core.segment.OpenSpoolFiles;
import io.lifeboat.core.segment.RecordEncoder;
import io.lifeboat.core.segment.SegmentFileWriter;
import io.lifeboat.core.storage.ChecksumMismatchException;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.ObjectStores;
import io.lifeboat.core.storage.StoreAccessException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Writes the records of its partitions into segments: one {@link PartitionBackup} per partition,
 * opened in {@link #open} and closed in {@link #close}. Segments are sealed as soon as they are
 * full or old enough (checked on every {@link #put}, which Connect also calls when no records
 * came) and by a timer thread, so that an idle partition's last records reach the store within
 * {@code segment.max.age.ms}; {@link #preCommit} then commits only what is durable. The task's
 * methods and the timer share one lock.
 *
 * <p>The task thread only appends and seals: a sealed segment is encoded and uploaded by a
 * {@link SegmentUploader} thread, so put() never waits for the store. When more sealed segments wait
 * than the uploader's bounds allow, put() waits at most {@link #BACK_PRESSURE_WAIT_MS}, then pauses
 * the task's partitions ({@code context.pause}) and resumes them at the first put() (Connect calls it
 * with no records while they are paused) that finds the uploads within the bounds again: the task
 * keeps returning to poll(), however slow the store.
 *
 * <p>Store failures come in two kinds ({@link StoreAccessException#permanentCause}): one that waiting
 * will not cure (access denied, no such bucket, a rejected checksum, an unknown endpoint host) fails
 * the task with a {@link ConnectException} naming the store's answer and the key to fix; any other is
 * a {@link RetriableException}, after which Connect hands the same records again once the task's
 * {@link RetryBackoff} has passed (1 s, doubling to 60 s, reset by a successful put).
 */
public class BackupSinkTask extends SinkTask {

    /** How long put() waits for the uploads to fall within their bounds before it pauses the partitions. */
    static final long BACK_PRESSURE_WAIT_MS = 100;
    /** How long close() waits, for all revoked partitions together, for their segments to be in the store. */
    static final long CLOSE_WAIT_MS = 20_000;
    /** How long stop() waits for uploads in flight to end. */
    static final long STOP_WAIT_MS = 5_000;

    private static final Logger log = LoggerFactory.getLogger(BackupSinkTask.class);
    /** The JMX type of the metrics on workers without plugin metrics. */
    static final String METRICS_GROUP = "backup-task-metrics";

    private final Time time;
    private final Function<StorageConfig, ObjectStore> openStore;
    private final Function<StorageConfig, ObjectStore> openCheckStore;
    private final RetryBackoff backoff = new RetryBackoff();
    private volatile ConnectException timerFailure;
    private final Map<TopicPartition, PartitionBackup> partitions = new HashMap<>();
    private final RecordEncoder encoder = new RecordEncoder();
    private final OpenSpoolFiles openSpoolFiles = new OpenSpoolFiles(OpenSpoolFiles.DEFAULT_MAX_OPEN);
    private final Set<TopicPartition> pendingMarkers = new HashSet<>();
    private ObjectStore store;
    private BackupLayout layout;
    private SegmentPublisher publisher;
    private SegmentUploader uploader;
    private boolean paused;
    private SegmentRotationPolicy rotation;
    private PartitionMarkers markers;
    private HighWaterRecorder highWater;
    private WorkDirectory spool;
    private Path spoolDir;
    private ScheduledExecutorService ageWatch;

    public BackupSinkTask() {
        this(Time.SYSTEM);
    }

    // visible for testing
    BackupSinkTask(Time time) {
        this(time, ObjectStores::open, ObjectStores::openForCheck);
    }

    /**
     * @param openStore      opens the store that segments go to
     * @param openCheckStore opens a store whose client gives up within seconds, for the checks in start()
     */
    // visible for testing
    BackupSinkTask(Time time, Function<StorageConfig, ObjectStore> openStore,
                   Function<StorageConfig, ObjectStore> openCheckStore) {
        this.time = time;
        this.openStore = openStore;
        this.openCheckStore = openCheckStore;
    }

    @Override
    public String version() {
        return LifeboatVersion.get();
    }

    private TaskMetrics metrics;

    @Override
    public void start(Map<String, String> props) {
        BackupSinkConfig config = new BackupSinkConfig(props);
        try {
            spool = WorkDirectory.create(config.spoolDirectory(), "backup-task-");
            spoolDir = spool.path();
        } catch (IOException e) {
            throw new ConnectException("Cannot create the spool folder under " + config.spoolDirectory()
                    + " (" + BackupSinkConfig.SPOOL_DIR + "): " + e.getMessage(), e);
        }
        store = openStore.apply(config.storage());
        layout = new BackupLayout(config.storage().prefix());
        checkAccess(config);
        publisher = new SegmentPublisher(store, layout, new SegmentFileWriter(config.compression()), spoolDir);
        uploader = new SegmentUploader(publisher, layout, store.describe(), this::permanentFailure);
        rotation = SegmentRotationPolicy.from(config);
        markers = new PartitionMarkers(store, layout);
        highWater = new HighWaterRecorder(store, layout.highWaterKey(config.connectorName(), config.taskNumber()));
        long tick = Math.max(50, Math.min(1_000, rotation.maxAgeMillis() / 4));
        ageWatch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-backup-age-watch");
            t.setDaemon(true);
            return t;
        });
        ageWatch.scheduleWithFixedDelay(this::sealAgedSegments, tick, tick, TimeUnit.MILLISECONDS);
        openMetrics(config);
        log.info("Backup task started: {} under prefix '{}', segments of at most {} records, {} bytes, {} ms, {}",
                store.describe(), layout.prefix(), rotation.maxRecords(), rotation.maxBytes(),
                rotation.maxAgeMillis(), config.compression().configName());
    }

    /** The task's metrics: what it stored, the store's errors; per partition see {@link #partitionMetrics}. */
    private void openMetrics(BackupSinkConfig config) {
        metrics = TaskMetrics.open(() -> context.pluginMetrics(), METRICS_GROUP, config.connectorName(),
                config.taskNumber());
        SegmentPublisher stats = publisher;
        SegmentUploader uploads = uploader;
        metrics.gauge("segments-stored-total", "Segments this task stored since it started", Map.of(),
                stats::totalSegments);
        metrics.gauge("records-stored-total", "Records this task stored since it started", Map.of(),
                stats::totalRecords);
        metrics.gauge("bytes-stored-total", "Segment bytes this task stored since it started", Map.of(),
                stats::totalBytes);
        metrics.gauge("store-errors-total", "Failed segment uploads (each retried, or failing the task) since it "
                + "started", Map.of(), uploads::storeErrors);
    }

    /**
     * Per partition: the durable offset (every record before it is in the store), the records received but not
     * yet durable, and the RPO now (0 when none waits, else the age of the newest stored record). A task that
     * started (or took the partition over) knows what it appended, not what earlier tasks stored: until its
     * first upload, the first offset it appended is the durable one and that record's age the RPO's lower bound.
     */
    private void partitionMetrics(PartitionBackup backup) {
        if (metrics == null) {
            return;
        }
        Map<String, String> tags = partitionTags(backup.partition());
        PartitionUploads uploads = backup.uploads();
        metrics.gauge("durable-offset", "The offset up to which (exclusive) this partition's records are in the "
                + "store, -1 before the first", tags, () -> durableOffset(backup));
        metrics.gauge("pending-records", "Offsets received and not yet in the store", tags,
                () -> pendingOffsets(backup));
        metrics.gauge("rpo-ms", "The RPO now: 0 when every record received is in the store, else the age of the "
                + "newest stored record (until this task stored one: of the first record it received, a lower "
                + "bound)", tags, () -> {
                    if (pendingOffsets(backup) == 0) {
                        return 0L;
                    }
                    long newest = uploads.newestStoredTimestamp();
                    if (newest < 0) {
                        newest = backup.firstAppendedTimestamp();
                    }
                    return newest < 0 ? -1L : Math.max(0, System.currentTimeMillis() - newest);
                });
    }

    /**
     * The offset up to which the partition is in the store: from this task's uploads, or, until its
     * first, the first offset it appended (a task starts at the committed offset, all durable before it).
     */
    private static long durableOffset(PartitionBackup backup) {
        return Math.max(backup.uploads().durableNextOffset(), backup.firstAppendedOffset());
    }

    private static long pendingOffsets(PartitionBackup backup) {
        long seen = backup.lastSeenOffset();
        return seen < 0 ? 0 : Math.max(0, seen + 1 - Math.max(durableOffset(backup), 0));
    }

    private static Map<String, String> partitionTags(TopicPartition tp) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("topic", tp.topic());
        tags.put("partition", Integer.toString(tp.partition()));
        return tags;
    }

    /**
     * A setting the store rejects (no such bucket, unknown credentials, wrong region, no permission to
     * write) fails the task at once, naming the key to fix, instead of retrying forever. A store that
     * cannot be reached or answers with a server error right now, a host that does not resolve right
     * now (validate() names a mistyped one), and credentials not found yet, are retried with the
     * records. The check lists the prefix, then writes and deletes a small object ({@link WriteProbe}),
     * with a client that gives up within seconds, so start() does not hang. A store that answers the
     * probe with a checksum mismatch on every attempt does not understand the SDK's checksum headers.
     */
    private void checkAccess(BackupSinkConfig config) {
        try (ObjectStore check = openCheckStore.apply(config.storage())) {
            check.checkAccess(layout.prefix(), ObjectStore.Access.WRITE);
            WriteProbe.run(check, layout.writeCheckKey(config.connectorName(), config.taskNumber()),
                    "task " + config.taskNumber() + " of connector " + config.connectorName());
        } catch (ChecksumMismatchException e) {
            // the probe is a few bytes sent with the check client's two attempts: a body changed on its way
            // twice is far less likely than a store that does not understand the SDK's checksum headers
            String message = "Cannot back up to " + store.describe() + ": the store answered a checksum mismatch "
                    + "to the start-up write-check object on every attempt, so it does not accept the checksum "
                    + "headers the AWS SDK sends: set " + StorageConfig.S3_CHECKSUM + " to NONE (" + e.getMessage() + ")";
            stopLocked();
            throw new ConnectException(message, e);
        } catch (StoreAccessException e) {
            if (Causes.find(e, UnknownHostException.class).isPresent()) {
                // validate() has already named a mistyped host; here a name that does not resolve at this
                // moment (a DNS blip while the worker starts) is waited out with the records
                log.warn("The store's host does not resolve now; the backup retries with the records (check {} if "
                        + "this lasts): {}", e.configKey(), e.getMessage());
                return;
            }
            if (!e.isMissingCredentials()) {
                String message = "Cannot back up to " + store.describe() + ": " + e.getMessage() + " (fix "
                        + e.configKey() + ")";
                stopLocked();
                throw new ConnectException(message, e);
            }
            log.warn("No credentials for {} yet; the backup retries with the records: {}", store.describe(),
                    e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot check {} now; the backup retries with the records: {}", store.describe(), e.getMessage());
        }
    }

    @Override
    public synchronized void open(Collection<TopicPartition> assigned) {
        ResumeMarks marks = new ResumeMarks(store, layout);
        for (TopicPartition tp : assigned) {
            if (!partitions.containsKey(tp)) {
                PartitionBackup backup = new PartitionBackup(tp, spoolDir, openSpoolFiles, store, layout, marks);
                partitions.put(tp, backup);
                partitionMetrics(backup);
            }
        }
        pendingMarkers.addAll(assigned);
        try {
            writePendingMarkers();
        } catch (IOException e) {
            log.warn("Cannot record the partitions {} in {} yet; will retry with the next records: {}",
                    assigned, store.describe(), e.getMessage());
        }
    }

    private void writePendingMarkers() throws IOException {
        if (!pendingMarkers.isEmpty()) {
            markers.ensure(pendingMarkers);
            pendingMarkers.clear();
        }
    }

    @Override
    public synchronized void put(Collection<SinkRecord> records) {
        if (timerFailure != null) {
            throw timerFailure;
        }
        if (uploader.failure() != null) {
            throw uploader.failure();
        }
        long now = time.milliseconds();
        try {
            writePendingMarkers();
            PartitionBackup backup = null;
            for (SinkRecord record : records) {
                if (backup == null || backup.partition().partition() != record.originalKafkaPartition()
                        || !backup.partition().topic().equals(record.originalTopic())) {
                    backup = partitions.get(new TopicPartition(record.originalTopic(), record.originalKafkaPartition()));
                }
                if (backup == null) {
                    throw new ConnectException("Received a record of " + record.originalTopic() + "-"
                            + record.originalKafkaPartition() + ", a partition this task was not assigned");
                }
                backup.append(SinkRecordMapper.toBackupRecord(record), encoder, now);
                if (backup.openSegment().map(rotation::isFull).orElse(false)) {
                    backup.seal(uploader);
                }
            }
            sealDue(now);
            backoff.succeeded();
        } catch (IOException | UncheckedIOException e) {
            IOException failure = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : (IOException) e;
            ConnectException permanent = permanentFailure(failure);
            if (permanent != null) {
                throw permanent;
            }
            long wait = backoff.failed();
            context.timeout(wait);
            log.warn("Backup to {} failed ({} in a row); waiting {} ms for the store before trying again (nothing is "
                    + "committed until it succeeds): {}", store.describe(), backoff.failures(), wait, failure.getMessage());
            throw new RetriableException("Backup to " + store.describe() + " failed, will retry in " + wait
                    + " ms (nothing is committed until it succeeds): " + failure.getMessage(), failure);
        }

        requestRewinds();
        applyBackPressure();
    }

    /**
     * Pauses the task's partitions while more sealed segments wait than the uploader's bounds allow
     * (after waiting {@link #BACK_PRESSURE_WAIT_MS} for them), and resumes them once they are within.
     * While paused, every put() asks Connect to call it again within {@link #BACK_PRESSURE_WAIT_MS}.
     */
    private void applyBackPressure() {
        if (uploader.overBound() && !uploader.awaitWithinBound(BACK_PRESSURE_WAIT_MS)) {
            if (!paused) {
                log.info("{} sealed segments wait for {}; consumption pauses until the uploads catch up",
                        uploader.waitingSegments(), store.describe());
            }
            context.pause(partitions.keySet().toArray(new TopicPartition[0]));
            paused = true;
            // with every partition paused the worker's consumer poll waits until the next offset commit
            // (offset.flush.interval.ms) before it calls put() again: ask for the next put() sooner, so
            // consumption resumes soon after the uploads catch up
            context.timeout(BACK_PRESSURE_WAIT_MS);
        } else if (paused) {
            log.info("Uploads to {} caught up; consumption resumes", store.describe());
            context.resume(partitions.keySet().toArray(new TopicPartition[0]));
            paused = false;
        }
    }

    /**
     * Rewinds partitions whose first records this put() skipped to the last offset they have stored
     * ({@link ChainResume}). Only after a put() that did not fail: a failed batch is delivered again
     * before Connect seeks.
     */
    private void requestRewinds() {
        for (PartitionBackup backup : partitions.values()) {
            backup.takeRewind().ifPresent(offset -> context.offset(backup.partition(), offset));
        }
    }

    /** Waits at most {@code millis} until every sealed segment is uploaded or an upload failed the task. */
    // visible for testing
    boolean awaitUploads(long millis) {
        return uploader.awaitSettled(millis);
    }

    /** A ConnectException for a failure that waiting will not cure, or null for one worth retrying. */
    private ConnectException permanentFailure(Throwable failure) {
        return StoreAccessException.permanentCause(failure)
                .map(access -> new ConnectException("Backup to " + store.describe() + " stopped: " + access.getMessage()
                        + " (fix " + access.configKey() + ", then restart the task; records after the last committed "
                        + "offset are consumed again)", failure))
                .orElse(null);
    }

    private void sealDue(long now) {
        for (PartitionBackup backup : partitions.values()) {
            if (backup.openSegment().map(s -> rotation.isDue(s, now)).orElse(false)) {
                backup.seal(uploader);
            }
        }
    }

    /** Timer: seals segments whose first record has waited segment.max.age.ms, even with no put(). */
    private synchronized void sealAgedSegments() {
        if (store == null || timerFailure != null) {
            return;
        }
        try {
            sealDue(time.milliseconds());
        } catch (RuntimeException e) {
            ConnectException failure = e instanceof ConnectException connect ? connect
                    : new ConnectException("Sealing aged segments failed: " + e, e);
            log.error("{} The task fails with its next put().", failure.getMessage());
            timerFailure = failure;
        }
    }

    @Override
    public synchronized Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> durable = new HashMap<>();
        for (PartitionBackup backup : partitions.values()) {
            OptionalLong offset = backup.committableOffset();
            if (offset.isPresent()) {
                durable.put(backup.partition(), new OffsetAndMetadata(offset.getAsLong()));
            }
            recordHighWater(backup);
        }
        if (highWater != null) {
            highWater.writeIfChanged();
        }
        if (publisher != null && publisher.hasStats()) {
            log.info("Backed up {} since the last offset commit; committing offsets of {} partitions",
                    publisher.drainStats(), durable.size());
        }
        return durable;
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        // Nothing: preCommit() commits only durable offsets and never forces a segment out early.
    }

    /**
     * Seals the open segments of the revoked partitions and waits, at most {@link #CLOSE_WAIT_MS} for
     * all of them together, for their uploads, so that frequent rebalances cannot keep records out of
     * the store longer than segment.max.age.ms. Their offsets are not committed (Connect took the commit
     * from preCommit() before calling close()); the next owner finds the segments in the store and skips
     * the records they hold.
     *
     * <p>Why wait: the next owner lists the partition's segments once, with its first record. A segment
     * that lands after that overlaps the segment the next owner writes from the same offset with another
     * last offset. The restore hands out each offset once even then (it skips records below the next
     * offset it needs, inside a segment too), but the backup set is simplest without such overlaps, so
     * close() waits. Past the bound, the segments not yet uploading are dropped (their records are
     * consumed again by the next owner); one already in flight cannot be called back, and the warning
     * says so.
     */
    @Override
    public synchronized void close(Collection<TopicPartition> revoked) {
        pendingMarkers.removeAll(revoked);
        Map<TopicPartition, PartitionBackup> closing = new HashMap<>();
        for (TopicPartition tp : revoked) {
            PartitionBackup backup = partitions.remove(tp);
            if (metrics != null) {
                metrics.remove(partitionTags(tp));
            }
            if (backup != null) {
                backup.seal(uploader);
                closing.put(tp, backup);
            }
        }
        if (closing.isEmpty()) {
            return;
        }
        if (!uploader.awaitDurable(closing.values().stream().map(PartitionBackup::uploads).toList(), CLOSE_WAIT_MS)) {
            for (PartitionBackup backup : closing.values()) {
                if (backup.uploads().firstWaitingOffset().isEmpty()) {
                    continue; // all of it is in the store: nothing to drop
                }
                log.warn("The segments of revoked partition {} from offset {} on were not in {} after {} ms; "
                        + "those not uploading yet are dropped and their records consumed again by the next "
                        + "owner (an upload in flight may still land)", backup.partition(),
                        backup.uploads().firstWaitingOffset().getAsLong(), store.describe(), CLOSE_WAIT_MS);
                backup.discard(uploader);
            }
        }
        for (PartitionBackup backup : closing.values()) {
            recordHighWater(backup);
        }
        if (highWater != null) {
            highWater.writeIfChanged();
        }
    }

    private void recordHighWater(PartitionBackup backup) {
        OptionalLong stored = backup.lastStoredOffset();
        if (highWater != null && stored.isPresent()) {
            highWater.advance(backup.partition(), stored.getAsLong());
        }
    }

    /** Bounded: uploads not finished within {@link #STOP_WAIT_MS} are abandoned (never committed, so consumed again). */
    @Override
    public void stop() {
        if (ageWatch != null) {
            ageWatch.shutdownNow();
            try {
                ageWatch.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (uploader != null) {
            uploader.stop(STOP_WAIT_MS);
        }
        synchronized (this) {
            stopLocked();
        }
    }

    private void stopLocked() {
        partitions.values().forEach(backup -> backup.discard(uploader));
        partitions.clear();
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
        if (spool != null) {
            spool.close();
            spool = null;
        }
    }
}
