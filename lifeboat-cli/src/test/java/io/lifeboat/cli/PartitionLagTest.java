package io.lifeboat.cli;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PartitionLagTest {

    private static BackupHealth.PartitionLag lag(long beginning, long end, OptionalLong durable, OptionalLong newest) {
        return new BackupHealth.PartitionLag("orders", 0, beginning, end, durable, newest);
    }

    @Test
    void everyRecordDurableIsNoLagAndNoRpo() {
        BackupHealth.PartitionLag caughtUp = lag(0, 100, OptionalLong.of(100), OptionalLong.of(5_000));
        assertEquals(0, caughtUp.lagRecords());
        assertEquals(OptionalLong.of(0), caughtUp.rpoMillis(60_000), "nothing would be lost, however old the data");
    }

    @Test
    void recordsWaitingMakeTheRpoTheAgeOfTheNewestDurableRecord() {
        BackupHealth.PartitionLag behind = lag(0, 100, OptionalLong.of(80), OptionalLong.of(5_000));
        assertEquals(20, behind.lagRecords());
        assertEquals(OptionalLong.of(55_000), behind.rpoMillis(60_000));
    }

    @Test
    void nothingCommittedCountsFromTheTopicsFirstOffsetAndTheRpoIsUnbounded() {
        BackupHealth.PartitionLag fresh = lag(40, 100, OptionalLong.empty(), OptionalLong.empty());
        assertEquals(60, fresh.lagRecords(), "records deleted by retention are no lag");
        assertEquals(OptionalLong.empty(), fresh.rpoMillis(60_000));
    }

    @Test
    void aCommitBelowTheTopicsFirstOffsetCountsFromThatOffset() {
        assertEquals(10, lag(90, 100, OptionalLong.of(50), OptionalLong.of(1)).lagRecords());
    }

    @Test
    void offsetsAfterTheDurableOneThatHoldNoRecordAreNoLag() {
        // a topic ending in an aborted transaction: a read_committed backup never receives those offsets
        BackupHealth.PartitionLag markersOnly = lag(0, 66, OptionalLong.of(54), OptionalLong.of(5_000))
                .counted(OptionalLong.of(0));
        assertEquals(12, markersOnly.lagOffsets());
        assertEquals(0, markersOnly.lagRecords());
        assertEquals(OptionalLong.of(0), markersOnly.rpoMillis(60_000));
        BackupHealth.PartitionLag notCounted = lag(0, 66, OptionalLong.of(54), OptionalLong.of(5_000))
                .counted(OptionalLong.empty());
        assertEquals(12, notCounted.lagRecords(), "uncounted: the offsets, an upper bound");
    }
}
