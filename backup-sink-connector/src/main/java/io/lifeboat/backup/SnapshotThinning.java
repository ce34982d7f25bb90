package io.lifeboat.backup;

import io.lifeboat.core.layout.SnapshotKey;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which metadata snapshots a backup connector removes, so that their count stays bounded: of its own
 * snapshots taken more than {@link #KEEP_ALL} ago, only the first of each UTC hour is kept (at most 24
 * a day); younger ones are all kept. Snapshots of other connectors are never touched. A pure function
 * of the keys and the time, so that running it again deletes nothing more.
 */
final class SnapshotThinning {

    /** Every snapshot younger than this is kept. */
    static final Duration KEEP_ALL = Duration.ofHours(48);
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private SnapshotThinning() {
    }

    /** The snapshots among {@code keys} that {@code connector} removes at {@code now}, oldest first. */
    static List<SnapshotKey> toDelete(Collection<SnapshotKey> keys, String connector, long now) {
        long cutoff = now - KEEP_ALL.toMillis();
        List<SnapshotKey> own = new ArrayList<>(keys.stream().filter(k -> k.connector().equals(connector)).toList());
        own.sort(Comparator.comparingLong(SnapshotKey::takenAt).thenComparing(SnapshotKey::key));
        Set<Long> hoursSeen = new HashSet<>();
        List<SnapshotKey> delete = new ArrayList<>();
        for (SnapshotKey key : own) {
            boolean firstOfItsHour = hoursSeen.add(Math.floorDiv(key.takenAt(), HOUR_MS));
            if (!firstOfItsHour && key.takenAt() < cutoff) {
                delete.add(key);
            }
        }
        return delete;
    }

    /** The start of the UTC day a day folder's name ({@code yyyy-MM-dd}) names, epoch millis. */
    static Optional<Long> dayStart(String dayName) {
        try {
            return Optional.of(LocalDate.parse(dayName).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** True when the day may hold snapshots old enough to remove at {@code now}. */
    static boolean mayHoldThinnable(long dayStart, long now) {
        return dayStart < now - KEEP_ALL.toMillis();
    }

    /** True when the whole day is old enough: once thinned, nothing more in it is ever removed. */
    static boolean wholeDayThinnable(long dayStart, long now) {
        return dayStart + DAY_MS <= now - KEEP_ALL.toMillis();
    }
}
