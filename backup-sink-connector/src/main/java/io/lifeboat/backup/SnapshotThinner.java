package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SnapshotKey;
import io.lifeboat.core.metadata.MetadataSnapshots;
import io.lifeboat.core.storage.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Removes the connector's own old metadata snapshots from the store ({@link SnapshotThinning}). One
 * pass lists the day folders once, then each day that may hold removable snapshots; a day wholly past
 * the keep-all window that a pass thinned completely is remembered and not listed again while the
 * connector runs. A delete the store refuses (no s3:DeleteObject, an object lock) is logged once at
 * WARN, ends the pass, and fails nothing: the snapshots stay readable, only their count grows.
 */
final class SnapshotThinner {

    private static final Logger log = LoggerFactory.getLogger(SnapshotThinner.class);

    private final ObjectStore store;
    private final BackupLayout layout;
    private final String connector;
    private final Set<String> thinnedDays = new HashSet<>();
    private boolean deleteFailureLogged;

    SnapshotThinner(ObjectStore store, BackupLayout layout, String connector) {
        this.store = store;
        this.layout = layout;
        this.connector = connector;
    }

    /** One pass at {@code now}; returns how many snapshots it removed. Listing failures are thrown. */
    int thin(long now) throws IOException {
        int removed = 0;
        for (String folder : MetadataSnapshots.dayFolders(store, layout)) {
            String day = folder.substring(layout.metadataPrefix().length(), folder.length() - 1);
            Optional<Long> start = SnapshotThinning.dayStart(day);
            if (start.isEmpty() || thinnedDays.contains(day) || !SnapshotThinning.mayHoldThinnable(start.get(), now)) {
                continue;
            }
            List<SnapshotKey> delete = SnapshotThinning.toDelete(MetadataSnapshots.inDay(store, layout, folder),
                    connector, now);
            for (SnapshotKey key : delete) {
                try {
                    store.delete(key.key());
                    removed++;
                } catch (IOException | RuntimeException e) {
                    if (!deleteFailureLogged) {
                        deleteFailureLogged = true;
                        log.warn("Cannot remove the old metadata snapshot {} from {} ({}); old snapshots of connector "
                                + "{} are not thinned to one an hour, so their count grows by one per "
                                + "metadata.interval.ms (allow the backup to delete objects under {} to fix it); "
                                + "nothing else is affected and this is not logged again", key.key(), store.describe(),
                                e.getMessage(), connector, layout.metadataPrefix());
                    } else {
                        log.debug("Cannot remove the old metadata snapshot {}: {}", key.key(), e.getMessage());
                    }
                    return removed;
                }
            }
            if (SnapshotThinning.wholeDayThinnable(start.get(), now)) {
                thinnedDays.add(day);
            }
        }
        if (removed > 0) {
            log.info("Removed {} metadata snapshots of connector {} older than {} hours (kept the first of each hour)",
                    removed, connector, SnapshotThinning.KEEP_ALL.toHours());
        }
        return removed;
    }
}
