package io.lifeboat.cli;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SnapshotKey;
import io.lifeboat.core.metadata.MetadataSnapshot;
import io.lifeboat.core.metadata.MetadataSnapshots;
import io.lifeboat.core.metadata.SnapshotCodec;
import io.lifeboat.core.storage.ObjectStore;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The newest metadata snapshot of a backup set, as {@code list} shows it and {@code verify} checks it:
 * none recorded, readable (what it holds, how old it is), or unreadable (a problem: a restore takes topic
 * settings and consumer-group offsets from it). A store that cannot be read is thrown, not judged.
 *
 * @param newest   the newest snapshot's key, if any
 * @param snapshot its content, when readable
 * @param problem  why it is unreadable, when it is
 */
record MetadataStatus(Optional<SnapshotKey> newest, Optional<MetadataSnapshot> snapshot, Optional<String> problem) {

    static MetadataStatus read(ObjectStore store, BackupLayout layout) throws IOException {
        Optional<SnapshotKey> newest = MetadataSnapshots.newest(store, layout);
        if (newest.isEmpty()) {
            return new MetadataStatus(newest, Optional.empty(), Optional.empty());
        }
        try {
            return new MetadataStatus(newest, Optional.of(MetadataSnapshots.read(store, newest.get())), Optional.empty());
        } catch (SnapshotCodec.UnreadableSnapshotException e) {
            return new MetadataStatus(newest, Optional.empty(), Optional.of(e.getMessage()));
        }
    }

    /** One line for {@code list}: "metadata: ...". */
    String describe(Instant now) {
        if (newest.isEmpty()) {
            return "metadata: none recorded (the backup connector has no source.cluster.bootstrap.servers)";
        }
        SnapshotKey key = newest.get();
        if (snapshot.isEmpty()) {
            return "metadata: the newest snapshot " + key.key() + " is unreadable: " + problem.orElse("");
        }
        MetadataSnapshot s = snapshot.get();
        return "metadata: newest snapshot taken " + Instant.ofEpochMilli(s.takenAt()) + " (" + age(now, s.takenAt())
                + " ago" + (s.last() ? ", when connector " + s.connector() + " stopped" : ", by connector " + s.connector())
                + "): " + s.topics().size() + (s.topics().size() == 1 ? " topic" : " topics") + " " + s.topicNames()
                + ", " + s.groups().size() + (s.groups().size() == 1 ? " consumer group" : " consumer groups")
                + (s.groups().isEmpty() ? "" : " " + s.groups().keySet().stream().sorted().toList()) + " (" + key.key() + ")";
    }

    /** "45 s", "12 min 5 s", "3 h 12 min", "2 d 4 h". */
    static String age(Instant now, long takenAt) {
        Duration d = Duration.between(Instant.ofEpochMilli(takenAt), now);
        if (d.isNegative()) {
            return "0 s (taken in the future by this machine's clock: " + d.negated().toSeconds() + " s)";
        }
        if (d.toDays() > 0) {
            return d.toDays() + " d " + d.toHoursPart() + " h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        }
        return d.toSeconds() + " s";
    }
}
