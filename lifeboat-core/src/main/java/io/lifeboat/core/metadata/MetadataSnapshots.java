package io.lifeboat.core.metadata;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SnapshotKey;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metadata snapshots of a backup set in the store: one small JSON object per snapshot
 * ({@link SnapshotCodec}) under {@code {prefix}metadata/{yyyy-MM-dd}/} (UTC day), so a reader
 * looking for the snapshot of a moment lists one or two days, never the whole history.
 */
public final class MetadataSnapshots {

    private MetadataSnapshots() {
    }

    /** Stores a snapshot; returns its key. */
    public static String write(ObjectStore store, BackupLayout layout, MetadataSnapshot snapshot) throws IOException {
        String key = layout.snapshotKey(snapshot.connector(), snapshot.takenAt());
        store.put(key, SnapshotCodec.encode(snapshot));
        return key;
    }

    public static MetadataSnapshot read(ObjectStore store, SnapshotKey key) throws IOException {
        try (InputStream in = store.open(key.key())) {
            return SnapshotCodec.decode(in.readAllBytes(), key.key());
        }
    }

    /** The day folders ({@code {prefix}metadata/yyyy-MM-dd/}), oldest first. */
    public static List<String> dayFolders(ObjectStore store, BackupLayout layout) throws IOException {
        return store.listFolder(layout.metadataPrefix()).folders();
    }

    /** The snapshots filed under one day folder, oldest first; other objects there are skipped. */
    public static List<SnapshotKey> inDay(ObjectStore store, BackupLayout layout, String dayFolder) throws IOException {
        List<SnapshotKey> keys = new ArrayList<>();
        for (StoredObject object : store.list(dayFolder)) {
            layout.parseSnapshotKey(object.key()).ifPresent(keys::add);
        }
        keys.sort(Comparator.comparingLong(SnapshotKey::takenAt).thenComparing(SnapshotKey::key));
        return keys;
    }

    /** The newest snapshot of the backup set, if any. */
    public static Optional<SnapshotKey> newest(ObjectStore store, BackupLayout layout) throws IOException {
        List<String> days = dayFolders(store, layout);
        for (int i = days.size() - 1; i >= 0; i--) {
            List<SnapshotKey> keys = inDay(store, layout, days.get(i));
            if (!keys.isEmpty()) {
                return Optional.of(keys.get(keys.size() - 1));
            }
        }
        return Optional.empty();
    }

    /** A snapshot and the key it was read from. */
    public record Found(SnapshotKey key, MetadataSnapshot snapshot) {
    }

    /**
     * For each of {@code topics}, the newest snapshot taken at or before {@code atOrBefore} (the
     * newest of all when empty) that describes the topic. Searched from the day of {@code atOrBefore}
     * backwards, reading on each day the newest snapshot of each connector that wrote there: one
     * read when the newest snapshot describes every topic, and for a topic no snapshot describes (one
     * no longer backed up, or backed up without metadata) one read per connector and day, however
     * many snapshots a day holds. (A topic dropped from a connector's topics during a day is found in
     * that connector's newest snapshot of an earlier day.) A topic no snapshot describes is absent
     * from the result.
     */
    public static Map<String, Found> forTopics(ObjectStore store, BackupLayout layout, Collection<String> topics,
                                               OptionalLong atOrBefore) throws IOException {
        Set<String> wanted = new TreeSet<>(topics);
        Map<String, Found> found = new HashMap<>();
        List<String> days = dayFolders(store, layout);
        String lastDay = atOrBefore.isPresent() ? layout.metadataDayPrefix(atOrBefore.getAsLong()) : null;
        for (int i = days.size() - 1; i >= 0 && !wanted.isEmpty(); i--) {
            String day = days.get(i);
            if (lastDay != null && day.compareTo(lastDay) > 0) {
                continue;
            }
            List<SnapshotKey> keys = inDay(store, layout, day);
            Set<String> connectorsRead = new HashSet<>();
            for (int k = keys.size() - 1; k >= 0 && !wanted.isEmpty(); k--) {
                SnapshotKey key = keys.get(k);
                if ((atOrBefore.isPresent() && key.takenAt() > atOrBefore.getAsLong())
                        || !connectorsRead.add(key.connector())) {
                    continue; // after the moment, or not this connector's newest of the day
                }
                MetadataSnapshot snapshot = read(store, key);
                for (String topic : snapshot.topicNames()) {
                    if (wanted.remove(topic)) {
                        found.put(topic, new Found(key, snapshot));
                    }
                }
            }
        }
        return found;
    }
}
