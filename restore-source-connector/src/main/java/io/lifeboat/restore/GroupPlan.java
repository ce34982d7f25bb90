package io.lifeboat.restore;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SnapshotKey;
import io.lifeboat.core.metadata.MetadataSnapshot;
import io.lifeboat.core.metadata.MetadataSnapshot.CommittedOffset;
import io.lifeboat.core.metadata.MetadataSnapshots;
import io.lifeboat.core.storage.NoSuchObjectException;
import io.lifeboat.core.storage.ObjectStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which consumer groups a restore repositions, from which snapshot: the connector picks, per restored
 * topic, the newest snapshot taken at or before {@code restore.end.time} (the newest when unset) and
 * hands its key to the tasks ({@code topic=key,...}), so every task of one connector start uses the
 * same one; each task reads the groups' offsets on its own partitions from it.
 */
final class GroupPlan {

    private static final Logger log = LoggerFactory.getLogger(GroupPlan.class);

    private GroupPlan() {
    }

    /**
     * The snapshot of each topic; a topic without one stops the restore: groups cannot be
     * repositioned without their offsets, and a restore that silently skipped them would leave
     * consumers wherever their reset policy sends them.
     */
    static Map<String, MetadataSnapshots.Found> snapshots(ObjectStore store, BackupLayout layout,
                                                          Collection<String> topics, OptionalLong atOrBefore,
                                                          String where) throws IOException {
        return snapshots(store, layout, MetadataSnapshots.forTopics(store, layout, topics, atOrBefore), topics,
                atOrBefore, where, Map.of());
    }

    /**
     * Like {@link #snapshots(ObjectStore, BackupLayout, Collection, OptionalLong, String)}, from
     * {@code newest} (the newest snapshot at or before the moment per topic, as already looked up for
     * the topic settings), except for the topics in {@code pinned} (topic -> key): an earlier start of
     * this connector already repositioned groups of them from that snapshot, and a newer one now (a
     * backup still running) could name groups it went past without committing.
     */
    static Map<String, MetadataSnapshots.Found> snapshots(ObjectStore store, BackupLayout layout,
                                                          Map<String, MetadataSnapshots.Found> newest,
                                                          Collection<String> topics, OptionalLong atOrBefore,
                                                          String where, Map<String, String> pinned) throws IOException {
        Map<String, MetadataSnapshots.Found> found = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        for (String topic : topics) {
            Optional<SnapshotKey> key = pinned.containsKey(topic) ? layout.parseSnapshotKey(pinned.get(topic))
                    : Optional.empty();
            Optional<MetadataSnapshots.Found> chosen = key.isPresent() ? pinnedOrBefore(store, layout, topic, key.get())
                    : Optional.ofNullable(newest.get(topic));
            chosen.ifPresentOrElse(f -> found.put(topic, f), () -> missing.add(topic));
        }
        if (!missing.isEmpty()) {
            throw new RestorePlanner.PlanException(RestoreSourceConfig.CONSUMER_GROUPS,
                    RestoreSourceConfig.CONSUMER_GROUPS + " is set, but " + where + " holds no metadata snapshot of "
                    + missing + (atOrBefore.isPresent() ? " taken at or before "
                    + Instant.ofEpochMilli(atOrBefore.getAsLong()) + " (restore.end.time)" : "")
                    + ", so their consumer groups' offsets are unknown. A backup records them when its connector "
                    + "has source.cluster.bootstrap.servers; remove " + RestoreSourceConfig.CONSUMER_GROUPS
                    + " to restore the records only" + (atOrBefore.isPresent() ? ", or choose a later end time" : ""));
        }
        return found;
    }

    /** The pinned snapshot, or, when it was thinned away since, the newest before it (offsets no newer). */
    private static Optional<MetadataSnapshots.Found> pinnedOrBefore(ObjectStore store, BackupLayout layout, String topic,
                                                                    SnapshotKey key) throws IOException {
        try {
            return Optional.of(new MetadataSnapshots.Found(key, MetadataSnapshots.read(store, key)));
        } catch (NoSuchObjectException e) {
            var before = MetadataSnapshots.forTopics(store, layout, List.of(topic), OptionalLong.of(key.takenAt()));
            log.warn("The metadata snapshot {} that an earlier run of this restore took the consumer groups of {} "
                    + "from is gone (thinned?); using {}, the newest before it", key.key(), topic,
                    before.containsKey(topic) ? before.get(topic).key().key() : "none");
            return Optional.ofNullable(before.get(topic));
        }
    }

    /**
     * Refuses a pattern that matches none of the groups the snapshots hold on their topics: a typo
     * must not pass for a restore that repositioned every group. (When the backup recorded no group
     * there at all, there is nothing to reposition: a warning.)
     */
    static void requireAMatch(Map<String, MetadataSnapshots.Found> snapshots, Pattern groups) {
        TreeSet<String> recorded = new TreeSet<>();
        snapshots.forEach((topic, found) -> found.snapshot().groups().forEach((group, committed) -> {
            if (committed.offsets().keySet().stream().anyMatch(tp -> tp.topic().equals(topic))) {
                recorded.add(group);
            }
        }));
        if (recorded.isEmpty()) {
            log.warn("{}={}: the backup recorded no consumer group with offsets on {}; no group is repositioned",
                    RestoreSourceConfig.CONSUMER_GROUPS, groups, snapshots.keySet());
        } else if (recorded.stream().noneMatch(g -> groups.matcher(g).matches())) {
            throw new RestorePlanner.PlanException(RestoreSourceConfig.CONSUMER_GROUPS, RestoreSourceConfig.CONSUMER_GROUPS
                    + "=" + groups + " matches none of the consumer groups the backup recorded on " + snapshots.keySet()
                    + ": it recorded " + abbreviate(recorded) + " (the pattern must match whole group ids). Fix the "
                    + "pattern, or remove " + RestoreSourceConfig.CONSUMER_GROUPS + " to restore the records only");
        }
    }

    private static String abbreviate(TreeSet<String> groups) {
        List<String> first = groups.stream().limit(20).toList();
        return first + (groups.size() > first.size() ? " and " + (groups.size() - first.size()) + " more" : "");
    }

    static String encode(Map<String, MetadataSnapshots.Found> snapshots) {
        List<String> entries = new ArrayList<>();
        new TreeMap<>(snapshots).forEach((topic, found) -> entries.add(topic + "=" + found.key().key()));
        return String.join(",", entries);
    }

    /**
     * {@code encoded} narrowed to {@code topics} (a task's own): the value grows with a task's topics,
     * not with every topic of the restore, and a task reads no snapshot of a topic it does not restore.
     */
    static String only(String encoded, Set<String> topics) {
        List<String> entries = new ArrayList<>();
        decode(encoded).forEach((topic, key) -> {
            if (topics.contains(topic)) {
                entries.add(topic + "=" + key);
            }
        });
        return String.join(",", entries);
    }

    /** The snapshot key of each topic in {@link #encode}'s form. */
    static Map<String, String> decode(String encoded) {
        Map<String, String> keys = new TreeMap<>();
        for (String entry : encoded == null || encoded.isEmpty() ? new String[0] : encoded.split(",")) {
            int eq = entry.indexOf('=');
            keys.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return keys;
    }

    /** Per assigned partition, the matching groups' committed offsets in the snapshots named by {@code encoded}. */
    static Map<TopicPartition, Map<String, CommittedOffset>> planned(ObjectStore store, BackupLayout layout,
            String encoded, Pattern groups, List<TopicPartition> assigned) {
        Map<String, MetadataSnapshot> byTopic = new HashMap<>();
        for (Map.Entry<String, String> entry : decode(encoded).entrySet()) {
            String key = entry.getValue();
            SnapshotKey snapshotKey = layout.parseSnapshotKey(key).orElseThrow(() -> new ConnectException(
                    "Not a metadata snapshot key: " + key));
            try {
                byTopic.put(entry.getKey(), MetadataSnapshots.read(store, snapshotKey));
            } catch (IOException e) {
                throw new ConnectException("Cannot read metadata snapshot " + key + " from " + store.describe()
                        + " for " + RestoreSourceConfig.CONSUMER_GROUPS + ": " + e.getMessage(), e);
            }
        }
        Map<TopicPartition, Map<String, CommittedOffset>> planned = new HashMap<>();
        for (TopicPartition tp : assigned) {
            MetadataSnapshot snapshot = byTopic.get(tp.topic());
            Map<String, CommittedOffset> offsets = new TreeMap<>();
            if (snapshot != null) {
                snapshot.groups().forEach((group, committed) -> {
                    CommittedOffset offset = committed.offsets().get(tp);
                    if (offset != null && groups.matcher(group).matches()) {
                        offsets.put(group, offset);
                    }
                });
            }
            planned.put(tp, offsets);
        }
        return planned;
    }
}
