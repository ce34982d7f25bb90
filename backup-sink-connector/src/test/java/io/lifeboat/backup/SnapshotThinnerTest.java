package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.FolderListing;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.log4j.AppenderSkeleton;
import org.apache.log4j.Level;
import org.apache.log4j.Logger;
import org.apache.log4j.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Thinning in a real (filesystem) store: what is removed, what a pass lists, a store that refuses deletes. */
class SnapshotThinnerTest {

    private static final BackupLayout LAYOUT = new BackupLayout("set/");
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final long NOW = Instant.parse("2026-12-10T12:00:00Z").toEpochMilli();

    @TempDir
    Path root;

    /** Snapshots of {@code connector} every 20 minutes over {@code days} days before NOW. */
    private List<String> fill(ObjectStore store, String connector, int days) throws IOException {
        List<String> keys = new ArrayList<>();
        for (long t = NOW - days * 24 * HOUR; t < NOW; t += 20 * 60_000) {
            String key = LAYOUT.snapshotKey(connector, t);
            store.put(key, new byte[]{'{', '}'});
            keys.add(key);
        }
        return keys;
    }

    private static List<String> keys(ObjectStore store) throws IOException {
        return store.list(LAYOUT.metadataPrefix()).stream().map(StoredObject::key).toList();
    }

    @Test
    void oldSnapshotsAreThinnedAndThinnedDaysAreNotListedAgain() throws IOException {
        CountingStore store = new CountingStore(new FilesystemObjectStore(root));
        List<String> own = fill(store, "backup", 5);
        List<String> other = fill(store, "other", 5);
        SnapshotThinner thinner = new SnapshotThinner(store, LAYOUT, "backup");

        int removed = thinner.thin(NOW);
        int listings = store.listings;
        // 3 an hour over 5 days: the 72 hours older than 48 h keep 1 an hour
        assertEquals(72 * 2, removed);
        List<String> left = keys(store);
        assertTrue(left.containsAll(other), "other connectors' snapshots stay");
        assertEquals(own.size() - removed, left.size() - other.size());
        // Dec 5..9 plus Dec 10 (NOW's day, empty): the pass listed the day folders once, then the days that
        // can hold old snapshots (Dec 5, 6, 7 and Dec 8, on which the cutoff falls)
        assertEquals(1, store.folderListings);
        assertEquals(4, listings);

        store.folderListings = 0;
        store.listings = 0;
        assertEquals(2, thinner.thin(NOW + HOUR), "the hour that passed the cutoff keeps its first of three");
        assertEquals(1, store.folderListings, "thinned days cost nothing but the one listing of day folders");
        assertEquals(1, store.listings, "only Dec 8, which still holds snapshots younger than 48 h");
    }

    @Test
    void aStoreThatRefusesDeletesIsLoggedOnceAndFailsNothing() throws IOException {
        CountingStore store = new CountingStore(new FilesystemObjectStore(root));
        List<String> own = fill(store, "backup", 4);
        store.refuseDeletes = true;
        SnapshotThinner thinner = new SnapshotThinner(store, LAYOUT, "backup");
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        AppenderSkeleton appender = new AppenderSkeleton() {
            @Override
            protected void append(LoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                    warnings.add(event.getRenderedMessage());
                }
            }

            @Override
            public void close() {
            }

            @Override
            public boolean requiresLayout() {
                return false;
            }
        };
        Logger logger = Logger.getLogger(SnapshotThinner.class);
        logger.addAppender(appender);
        try {
            assertEquals(0, thinner.thin(NOW));
            assertEquals(0, thinner.thin(NOW + HOUR));
        } finally {
            logger.removeAppender(appender);
        }
        assertEquals(own, keys(store), "nothing removed");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("Access Denied for DeleteObject"), warnings.get(0));
        assertTrue(warnings.get(0).contains("allow the backup to delete objects under set/metadata/"), warnings.get(0));
        assertTrue(warnings.get(0).contains("not logged again"), warnings.get(0));
    }

    /** Passes every call on, counts listings, and may refuse deletes as a bucket policy would. */
    private static final class CountingStore implements ObjectStore {
        private final ObjectStore store;
        int listings;
        int folderListings;
        boolean refuseDeletes;

        CountingStore(ObjectStore store) {
            this.store = store;
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
        public InputStream open(String key) throws IOException {
            return store.open(key);
        }

        @Override
        public void delete(String key) throws IOException {
            if (refuseDeletes) {
                throw new IOException("Access Denied for DeleteObject on " + key);
            }
            store.delete(key);
        }

        @Override
        public List<StoredObject> list(String prefix) throws IOException {
            listings++;
            return store.list(prefix);
        }

        @Override
        public FolderListing listFolder(String prefix) throws IOException {
            folderListings++;
            return store.listFolder(prefix);
        }

        @Override
        public void checkAccess(String prefix, Access access) throws IOException {
            store.checkAccess(prefix, access);
        }

        @Override
        public String describe() {
            return "counting " + store.describe();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
