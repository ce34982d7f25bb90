package io.lifeboat.backup;

import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.layout.SnapshotKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The thinning rule as a pure function over keys. */
class SnapshotThinningTest {

    private static final BackupLayout LAYOUT = new BackupLayout("set/");
    private static final long NOW = Instant.parse("2026-12-10T12:00:30Z").toEpochMilli();
    private static final long MINUTE = Duration.ofMinutes(1).toMillis();

    private static SnapshotKey key(String connector, long takenAt) {
        return LAYOUT.parseSnapshotKey(LAYOUT.snapshotKey(connector, takenAt)).orElseThrow();
    }

    /** One snapshot a minute of {@code connector} from {@code from} (inclusive) to {@code to} (exclusive). */
    private static List<SnapshotKey> everyMinute(String connector, Instant from, Instant to) {
        List<SnapshotKey> keys = new ArrayList<>();
        for (long t = from.toEpochMilli(); t < to.toEpochMilli(); t += MINUTE) {
            keys.add(key(connector, t + 1234));
        }
        return keys;
    }

    @Test
    void olderThan48HoursOnlyTheFirstOfEachHourIsKept() {
        List<SnapshotKey> keys = everyMinute("backup", Instant.parse("2026-12-07T00:00:00Z"),
                Instant.parse("2026-12-10T12:00:00Z"));
        List<SnapshotKey> delete = SnapshotThinning.toDelete(keys, "backup", NOW);
        List<SnapshotKey> kept = new ArrayList<>(keys);
        kept.removeAll(delete);
        long cutoff = NOW - Duration.ofHours(48).toMillis();
        List<SnapshotKey> keptOld = kept.stream().filter(k -> k.takenAt() < cutoff).toList();
        // 2026-12-07 00:00 up to the cutoff 2026-12-08 12:00:30: 36 hours, the first of each kept
        assertEquals(36 + 1, keptOld.size(), "one an hour, plus the first of the cutoff's own hour");
        for (SnapshotKey k : keptOld) {
            assertEquals(1234, k.takenAt() % Duration.ofHours(1).toMillis(), "first of its hour: " + k.key());
        }
        assertTrue(kept.containsAll(keys.stream().filter(k -> k.takenAt() >= cutoff).toList()),
                "every snapshot of the last 48 hours is kept");
        assertEquals(List.of(), SnapshotThinning.toDelete(kept, "backup", NOW), "a second pass removes nothing");
    }

    @Test
    void otherConnectorsSnapshotsAreNeverRemoved() {
        List<SnapshotKey> keys = new ArrayList<>(everyMinute("other", Instant.parse("2026-12-01T00:00:00Z"),
                Instant.parse("2026-12-01T03:00:00Z")));
        assertEquals(List.of(), SnapshotThinning.toDelete(keys, "backup", NOW));
        keys.addAll(everyMinute("backup", Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-01T03:00:00Z")));
        List<SnapshotKey> delete = SnapshotThinning.toDelete(keys, "backup", NOW);
        assertEquals(3 * 59, delete.size());
        assertTrue(delete.stream().allMatch(k -> k.connector().equals("backup")));
    }

    @Test
    void theFirstOfAnHourIsTheOldestThereWhateverTheOrderOfTheKeys() {
        SnapshotKey first = key("backup", Instant.parse("2026-12-01T05:10:00Z").toEpochMilli());
        SnapshotKey second = key("backup", Instant.parse("2026-12-01T05:20:00Z").toEpochMilli());
        SnapshotKey nextHour = key("backup", Instant.parse("2026-12-01T06:59:59Z").toEpochMilli());
        assertEquals(List.of(second), SnapshotThinning.toDelete(List.of(nextHour, second, first), "backup", NOW));
    }

    @Test
    void daysAreListedOnlyWhenTheyCanHoldOldSnapshots() {
        long dec8 = SnapshotThinning.dayStart("2026-12-08").orElseThrow();
        long dec7 = SnapshotThinning.dayStart("2026-12-07").orElseThrow();
        assertEquals(Instant.parse("2026-12-08T00:00:00Z").toEpochMilli(), dec8);
        assertTrue(SnapshotThinning.mayHoldThinnable(dec8, NOW), "the cutoff falls on Dec 8");
        assertFalse(SnapshotThinning.wholeDayThinnable(dec8, NOW));
        assertTrue(SnapshotThinning.wholeDayThinnable(dec7, NOW));
        assertFalse(SnapshotThinning.mayHoldThinnable(SnapshotThinning.dayStart("2026-12-09").orElseThrow(), NOW));
        assertTrue(SnapshotThinning.dayStart("not-a-day").isEmpty());
    }
}
