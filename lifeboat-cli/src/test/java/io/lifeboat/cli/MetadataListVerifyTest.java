package io.lifeboat.cli;

import io.lifeboat.core.layout.DamagedSets;
import io.lifeboat.core.layout.DamagedSets.DamagedSet;
import io.lifeboat.core.metadata.MetadataSnapshot;
import io.lifeboat.core.metadata.MetadataSnapshot.CommittedOffset;
import io.lifeboat.core.metadata.MetadataSnapshot.GroupOffsets;
import io.lifeboat.core.metadata.MetadataSnapshot.TopicMetadata;
import io.lifeboat.core.metadata.MetadataSnapshots;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code list} and {@code verify} say about a backup set's metadata snapshots. */
class MetadataListVerifyTest {

    private static final Instant TAKEN = Instant.parse("2026-12-02T10:00:00Z");
    private static final Clock LATER = Clock.fixed(TAKEN.plusSeconds(3 * 3600 + 12 * 60), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private DamagedSet intact() throws IOException {
        return DamagedSets.write(dir).stream().filter(s -> s.name().equals("intact")).findFirst().orElseThrow();
    }

    private static MetadataSnapshot snapshot(long takenAt, boolean last) {
        return new MetadataSnapshot(takenAt, "backup", "cluster-1", last,
                Map.of(DamagedSets.TOPIC, new TopicMetadata("AAAAAAAAAAAAAAAAAAAAAA", 2, 3, Map.of("retention.ms", "-1"),
                        Map.of(0, 10L, 1, 3L))),
                Map.of("billing", new GroupOffsets("Stable", Map.of(new TopicPartition(DamagedSets.TOPIC, 0),
                        new CommittedOffset(4, "")))));
    }

    @Test
    void aSetWithoutSnapshotsSaysSoInListAndIsFineForVerify() throws IOException {
        DamagedSet set = intact();
        assertTrue(list(set).contains("metadata: none recorded (the backup connector has no "
                + "source.cluster.bootstrap.servers)"), list(set));
        String verify = verify(set);
        assertTrue(verify.startsWith("0\n"), verify);
        assertTrue(verify.contains("NOTE     no metadata snapshots under set/metadata/"), verify);
    }

    @Test
    void theNewestSnapshotIsListedWithItsAgeAndContentAndVerifiedWithoutStrays() throws IOException {
        DamagedSet set = intact();
        MetadataSnapshots.write(set.store(), DamagedSets.LAYOUT, snapshot(TAKEN.minusSeconds(60).toEpochMilli(), false));
        String newest = MetadataSnapshots.write(set.store(), DamagedSets.LAYOUT, snapshot(TAKEN.toEpochMilli(), true));
        String list = list(set);
        assertTrue(list.contains("metadata: newest snapshot taken 2026-12-02T10:00:00Z (3 h 12 min ago, when connector "
                + "backup stopped): 1 topic [orders], 1 consumer group [billing] (" + newest + ")"), list);
        String verify = verify(set);
        assertTrue(verify.startsWith("0\n"), verify);
        assertFalse(verify.contains("STRAY"), verify);
        assertTrue(verify.contains("METADATA " + newest + " (newest snapshot, taken 2026-12-02T10:00:00Z: 1 topics, "
                + "1 consumer groups)"), verify);
    }

    @Test
    void anUnreadableNewestSnapshotIsAProblemForVerify() throws IOException {
        DamagedSet set = intact();
        MetadataSnapshots.write(set.store(), DamagedSets.LAYOUT, snapshot(TAKEN.minusSeconds(60).toEpochMilli(), false));
        String broken = DamagedSets.LAYOUT.snapshotKey("backup", TAKEN.toEpochMilli());
        set.store().put(broken, "{\"format\": \"lifeboat-metadata-snapshot\", \"version\": 2}".getBytes(StandardCharsets.UTF_8));
        String verify = verify(set);
        assertTrue(verify.startsWith("1\n"), verify);
        assertTrue(verify.contains("UNREADABLE Metadata snapshot " + broken + " has version 2"), verify);
        assertTrue(verify.contains("1 problems: CORRUPT"), verify);
        assertTrue(list(set).contains("metadata: the newest snapshot " + broken + " is unreadable"), list(set));
    }

    @Test
    void agesReadAsPeopleSayThem() {
        Instant now = Instant.parse("2026-12-05T12:00:00Z");
        assertEquals("45 s", MetadataStatus.age(now, now.minusSeconds(45).toEpochMilli()));
        assertEquals("12 min 5 s", MetadataStatus.age(now, now.minusSeconds(12 * 60 + 5).toEpochMilli()));
        assertEquals("2 d 4 h", MetadataStatus.age(now, now.minusSeconds(2 * 86400 + 4 * 3600 + 59).toEpochMilli()));
    }

    private static String verify(DamagedSet set) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = VerifyCommand.verify(set.store(), DamagedSets.LAYOUT, true, new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        return exit + "\n" + bytes.toString(StandardCharsets.UTF_8);
    }

    private static String list(DamagedSet set) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ListCommand.list(set.store(), DamagedSets.LAYOUT, LATER, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
