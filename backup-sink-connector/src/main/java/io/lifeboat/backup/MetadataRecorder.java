package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.metadata.MetadataSnapshot;
import io.lifeboat.core.metadata.MetadataSnapshots;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.ObjectStores;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Records metadata snapshots of the source cluster in the backup set, for one backup connector (the
 * connector instance runs it, not its tasks): one at start, one {@code metadata.interval.ms} after the
 * previous attempt ended (so a slow cluster never causes a burst of catch-up snapshots), and a final one ({@code final: true}) when the connector stops, which waits at most
 * {@link #FINAL_SNAPSHOT_WAIT}. After a snapshot is stored, at most once an hour, the connector's own
 * old snapshots are thinned ({@link SnapshotThinner}).
 *
 * <p>It never stops or slows the record backup: it runs on its own daemon thread, shares no lock or
 * client with the tasks, and every request to the cluster has a deadline. Each attempt creates its own
 * admin client, so a cluster that was unreachable is found again through its bootstrap servers. A failed
 * snapshot is logged (the first of a streak at WARN with its cause, later ones summarised, and
 * "resumed after N failures" at INFO) and tried again at the next interval.
 */
final class MetadataRecorder {

    private static final Logger log = LoggerFactory.getLogger(MetadataRecorder.class);

    /**
     * The longest stop() waits for the final snapshot: within the 5 s a Connect worker gives a
     * connector to stop before it logs a failed graceful stop and moves on.
     */
    static final Duration FINAL_SNAPSHOT_WAIT = Duration.ofSeconds(4);
    static final Duration FINAL_SNAPSHOT_TIMEOUT = Duration.ofMillis(3_500);
    static final Duration MIN_ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration MAX_ATTEMPT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration THINNING_INTERVAL = Duration.ofHours(1);
    /** Failures in a row after the first are summarised at WARN about this often. */
    static final Duration FAILURE_SUMMARY_INTERVAL = Duration.ofMinutes(10);

    private final String connector;
    private final Duration interval;
    private final Duration attemptTimeout;
    private final Map<String, Object> adminConfig;
    private final String bootstrapServers;
    private final SnapshotTaker taker;
    private final Supplier<ObjectStore> openStore;
    private final BackupLayout layout;
    private final Function<Map<String, Object>, Admin> adminFactory;
    private final Time time;
    private final ScheduledExecutorService thread;

    private ScheduledFuture<?> periodic;

    // touched by the recorder's thread only (the store also by stop(), once that thread is done)
    private volatile ObjectStore store;
    private SnapshotThinner thinner;
    private long lastThinning = Long.MIN_VALUE;
    private int failures;
    private long streakStart;
    private long lastSummary;
    private volatile String lastKey;

    MetadataRecorder(BackupSinkConfig config) {
        this(config.connectorName(), config.metadataInterval(), config.sourceAdminConfig(),
                new SnapshotTaker(config.connectorName(), config.backedUpTopics(), config.backupGroupId(), Time.SYSTEM),
                () -> ObjectStores.open(config.storage()), new BackupLayout(config.storage().prefix()), Admin::create,
                Time.SYSTEM);
    }

    // visible for testing
    MetadataRecorder(String connector, Duration interval, Map<String, Object> adminConfig, SnapshotTaker taker,
                     Supplier<ObjectStore> openStore, BackupLayout layout,
                     Function<Map<String, Object>, Admin> adminFactory, Time time) {
        this.connector = connector;
        this.interval = interval;
        this.attemptTimeout = clamp(interval, MIN_ATTEMPT_TIMEOUT, MAX_ATTEMPT_TIMEOUT);
        this.adminConfig = withTimeouts(adminConfig, attemptTimeout);
        this.bootstrapServers = String.valueOf(adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        this.taker = taker;
        this.openStore = openStore;
        this.layout = layout;
        this.adminFactory = adminFactory;
        this.time = time;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-metadata-" + connector);
            t.setDaemon(true);
            return t;
        });
    }

    /** Bounded admin requests (unless the user set these keys under source.cluster.). */
    private static Map<String, Object> withTimeouts(Map<String, Object> config, Duration timeout) {
        Map<String, Object> admin = new HashMap<>(config);
        admin.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        admin.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        return admin;
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }

    void start() {
        log.info("Recording metadata snapshots of the source cluster at {} for connector {} every {} ms under {}",
                bootstrapServers, connector, interval.toMillis(), layout.metadataPrefix());
        periodic = thread.scheduleWithFixedDelay(() -> snapshot(false, attemptTimeout), 0, interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the final snapshot (after a periodic one still running), waiting at most
     * {@link #FINAL_SNAPSHOT_WAIT}, and releases the thread and the store. Never hangs.
     */
    void stop() {
        if (periodic == null || thread.isShutdown()) {
            thread.shutdownNow();
            return;
        }
        periodic.cancel(false);
        Future<?> last = thread.submit(() -> snapshot(true, FINAL_SNAPSHOT_TIMEOUT));
        try {
            last.get(FINAL_SNAPSHOT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("The final metadata snapshot of connector {} did not finish within {} s; the connector stops "
                    + "without it (newest snapshot: {})", connector, FINAL_SNAPSHOT_WAIT.toSeconds(),
                    lastKey == null ? "none recorded since the connector started" : lastKey);
        } catch (ExecutionException e) {
            log.warn("The final metadata snapshot of connector {} failed: {}", connector, e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            thread.shutdownNow();
            try {
                thread.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ObjectStore opened = store;
            if (opened != null) {
                opened.close();
            }
        }
    }

    /** One attempt; never throws, so the schedule goes on. */
    private void snapshot(boolean last, Duration timeout) {
        try {
            if (store == null) {
                store = openStore.get();
                thinner = new SnapshotThinner(store, layout, connector);
            }
            MetadataSnapshot snapshot;
            Admin admin = adminFactory.apply(adminConfig);
            try {
                snapshot = taker.take(admin, last, timeout);
            } finally {
                admin.close(Duration.ZERO);
            }
            String key = MetadataSnapshots.write(store, layout, snapshot);
            succeeded(key, snapshot);
            if (!last) {
                thin(); // never while stopping: stop() waits for the final snapshot only
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Metadata snapshot of connector {} interrupted (the connector is stopping)", connector);
        } catch (Exception | LinkageError e) {
            failed(e, last);
        }
    }

    private void succeeded(String key, MetadataSnapshot snapshot) {
        if (failures > 0) {
            log.info("Metadata snapshots of connector {} resumed after {} {}: {} ({} topics, {} consumer groups)",
                    connector, failures, failures == 1 ? "failure" : "failures", key, snapshot.topics().size(), snapshot.groups().size());
        } else if (lastKey == null || snapshot.last()) {
            log.info("Metadata snapshot {}{} of connector {}: {} topics, {} consumer groups", key,
                    snapshot.last() ? " (final)" : "", connector, snapshot.topics().size(), snapshot.groups().size());
        } else {
            log.debug("Metadata snapshot {}: {} topics, {} consumer groups", key, snapshot.topics().size(),
                    snapshot.groups().size());
        }
        failures = 0;
        lastKey = key;
    }

    private void failed(Throwable e, boolean last) {
        long now = time.milliseconds();
        failures++;
        String newest = lastKey == null ? "none recorded since the connector started" : lastKey;
        if (failures == 1) {
            streakStart = now;
            lastSummary = now;
            log.warn("Metadata snapshot{} of connector {} failed: {}. The record backup is not affected; the snapshot is "
                    + "tried again {}(source cluster {}; check source.cluster.bootstrap.servers and the source.cluster. "
                    + "settings if this lasts; newest snapshot: {})", last ? " (final)" : "", connector, e.getMessage(),
                    last ? "when the connector starts again " : "every " + interval.toMillis() + " ms ",
                    bootstrapServers, newest, e);
        } else if (last || now - lastSummary >= FAILURE_SUMMARY_INTERVAL.toMillis()) {
            lastSummary = now;
            log.warn("Metadata snapshots of connector {} still failing: {} in a row since {}; the newest: {} (newest "
                    + "snapshot: {})", connector, failures, Instant.ofEpochMilli(streakStart), e.getMessage(), newest);
        } else {
            log.debug("Metadata snapshot of connector {} failed again ({} in a row): {}", connector, failures,
                    e.getMessage());
        }
    }

    private void thin() {
        long now = time.milliseconds();
        if (lastThinning != Long.MIN_VALUE && now - lastThinning < THINNING_INTERVAL.toMillis()) {
            return;
        }
        lastThinning = now;
        try {
            thinner.thin(now);
        } catch (Exception e) {
            log.warn("Cannot list the metadata snapshots of connector {} in {} to thin them; tried again in an hour: {}",
                    connector, store.describe(), e.getMessage());
        }
    }
}
