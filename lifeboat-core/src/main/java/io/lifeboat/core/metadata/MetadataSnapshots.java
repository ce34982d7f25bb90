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
import java.util.List;
import java.util.LinkedHashMap;
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
     * backwards. On each day, first the newest snapshot of each connector that wrote there: one read
     * when the newest snapshot describes every topic. A topic a connector's newest snapshot of the day
     * lacks but its oldest of the day describes vanished that day (deleted from the source cluster, the
     * disaster a restore is for, or dropped from the connector's topics): the snapshots between are
     * searched by halving for the newest that still describes it, a few reads, so its groups come from
     * just before it vanished, not from an earlier day. A topic no snapshot describes (backed up without
     * metadata) costs two reads per connector and day. A topic no snapshot describes is absent from the
     * result. (A topic that vanished and came back within a day may be found in a snapshot older than the
     * newest that describes it: its offsets are older, never newer.)
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
            Day snapshots = new Day(store, byConnector(inDay(store, layout, day), atOrBefore));
            for (List<SnapshotKey> keys : snapshots.connectors.values()) { // newest first, across connectors
                take(snapshots.read(keys.size() - 1, keys), wanted, found);
            }
            for (List<SnapshotKey> keys : snapshots.connectors.values()) {
                if (wanted.isEmpty() || keys.size() < 2) {
                    continue;
                }
                Found oldest = snapshots.read(0, keys);
                for (String topic : List.copyOf(wanted)) {
                    if (oldest.snapshot().topicNames().contains(topic)) {
                        found.put(topic, snapshots.newestDescribing(topic, keys));
                        wanted.remove(topic);
                    }
                }
            }
        }
        return found;
    }

    private static void take(Found snapshot, Set<String> wanted, Map<String, Found> found) {
        for (String topic : snapshot.snapshot().topicNames()) {
            if (wanted.remove(topic)) {
                found.put(topic, snapshot);
            }
        }
    }

    /**
     * The keys (oldest first) taken at or before the moment, per connector, the connectors in the
     * order of their newest key, newest first.
     */
    private static Map<String, List<SnapshotKey>> byConnector(List<SnapshotKey> oldestFirst, OptionalLong atOrBefore) {
        Map<String, List<SnapshotKey>> connectors = new HashMap<>();
        for (SnapshotKey key : oldestFirst) {
            if (atOrBefore.isEmpty() || key.takenAt() <= atOrBefore.getAsLong()) {
                connectors.computeIfAbsent(key.connector(), c -> new ArrayList<>()).add(key);
            }
        }
        Map<String, List<SnapshotKey>> ordered = new LinkedHashMap<>();
        connectors.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, List<SnapshotKey>> e) -> e.getValue().get(
                        e.getValue().size() - 1).takenAt()).reversed())
                .forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return ordered;
    }

    /** One day's snapshots, each read at most once. */
    private static final class Day {
        private final ObjectStore store;
        private final Map<String, List<SnapshotKey>> connectors;
        private final Map<SnapshotKey, Found> read = new HashMap<>();

        Day(ObjectStore store, Map<String, List<SnapshotKey>> connectors) {
            this.store = store;
            this.connectors = connectors;
        }

        Found read(int index, List<SnapshotKey> keys) throws IOException {
            SnapshotKey key = keys.get(index);
            Found snapshot = read.get(key);
            if (snapshot == null) {
                snapshot = new Found(key, MetadataSnapshots.read(store, key));
                read.put(key, snapshot);
            }
            return snapshot;
        }

        /** With the oldest of {@code keys} describing the topic and the newest not: the newest that does. */
        Found newestDescribing(String topic, List<SnapshotKey> keys) throws IOException {
            int describes = 0;
            int lacks = keys.size() - 1;
            while (lacks - describes > 1) {
                int middle = (describes + lacks) >>> 1;
                if (read(middle, keys).snapshot().topicNames().contains(topic)) {
                    describes = middle;
                } else {
                    lacks = middle;
                }
            }
            return read(describes, keys);
        }
    }
}
