package io.lifeboat.restore;

import io.lifeboat.core.metadata.MetadataSnapshot.CommittedOffset;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A poll asks the target cluster for the ends of the partitions at acknowledged translation points
 * in one request, and no more once a request failed: a slow target holds a poll (and Connect's stop,
 * which waits for it) for at most {@link GroupRepositioning#POLL_END_READ_BUDGET_MS}, not 30 s per
 * partition.
 */
class GroupRepositioningEndReadsTest {

    private static final List<TopicPartition> SOURCES = List.of(
            new TopicPartition("orders", 0), new TopicPartition("orders", 1), new TopicPartition("orders", 2));

    private final RecordingTarget target = new RecordingTarget();

    @AfterEach
    void close() {
        target.close();
    }

    @Test
    void oneRequestReadsTheEndsOfEveryPartitionAtAnAcknowledgedPointInAPoll() {
        GroupRepositioning repositioning = repositioning();
        List<PartitionGroups> states = atAcknowledgedPoints(repositioning);

        repositioning.newPoll();
        for (PartitionGroups state : states) {
            assertTrue(repositioning.commitPoint(state, 1), "the target's end 2 is past the point's offset 1");
        }
        assertEquals(1, target.endRequests.size());
        assertEquals(Set.copyOf(SOURCES), Set.copyOf(target.endRequests.get(0)), "the targets have the sources' names");
        assertTrue(target.timeouts.get(0) <= GroupRepositioning.POLL_END_READ_BUDGET_MS);
        assertEquals(List.of("g@orders-0=1", "g@orders-1=1", "g@orders-2=1"), target.commits.stream().sorted().toList());
    }

    @Test
    void afterAFailedRequestTheOtherPartitionsOfThePollWaitForTheNextPoll() {
        GroupRepositioning repositioning = repositioning();
        List<PartitionGroups> states = atAcknowledgedPoints(repositioning);
        target.failing = true;

        repositioning.newPoll();
        for (PartitionGroups state : states) {
            assertFalse(repositioning.commitPoint(state, 1));
        }
        assertEquals(1, target.endRequests.size(), "one failed request per poll, not one per partition");
        assertTrue(target.commits.isEmpty());

        target.failing = false;
        repositioning.newPoll();
        for (PartitionGroups state : states) {
            assertTrue(repositioning.commitPoint(state, 1));
        }
        assertEquals(2, target.endRequests.size());
        assertEquals(3, target.commits.size());
    }

    @Test
    void anEndReadInAnEarlierPollIsReadAgain() {
        GroupRepositioning repositioning = repositioning();
        List<PartitionGroups> states = atAcknowledgedPoints(repositioning);
        target.end = 1; // the point (target offset 1) is not visible yet: its transaction is open

        repositioning.newPoll();
        assertFalse(repositioning.commitPoint(states.get(0), 1));
        assertFalse(repositioning.commitPoint(states.get(0), 1));
        assertEquals(1, target.endRequests.size(), "read once in a poll");

        target.end = 2;
        repositioning.newPoll();
        assertTrue(repositioning.commitPoint(states.get(0), 1));
        assertEquals(2, target.endRequests.size());
    }

    private GroupRepositioning repositioning() {
        Map<TopicPartition, Map<String, CommittedOffset>> planned = new HashMap<>();
        SOURCES.forEach(tp -> planned.put(tp, Map.of("g", new CommittedOffset(1, ""))));
        return new GroupRepositioning(target, planned, TopicMapping.parse(List.of()), Map.of(),
                (source, offset) -> Optional.empty());
    }

    /** Each partition handed over offsets 0 and 1 (the point of group g), both acknowledged at target offsets 0, 1. */
    private static List<PartitionGroups> atAcknowledgedPoints(GroupRepositioning repositioning) {
        List<PartitionGroups> states = new ArrayList<>();
        for (TopicPartition source : SOURCES) {
            PartitionGroups state = repositioning.of(source);
            List<SourceRecord> handedOver = state.cut(LongStream.of(0, 1, 2).mapToObj(o -> new SourceRecord(
                    RestoreOffsets.sourcePartition(source), RestoreOffsets.sourceOffset(o, false), source.topic(),
                    source.partition(), null, null)).toList());
            assertEquals(2, handedOver.size());
            state.handedOver(2);
            state.acknowledged(0, 0);
            state.acknowledged(1, 1);
            assertTrue(state.atPoint());
            states.add(state);
        }
        return states;
    }

    /** The target cluster's answers, recorded; nothing is sent anywhere. */
    private static final class RecordingTarget extends TargetGroups {
        final List<Collection<TopicPartition>> endRequests = new ArrayList<>();
        final List<Long> timeouts = new ArrayList<>();
        final List<String> commits = new ArrayList<>();
        volatile boolean failing;
        volatile long end = 2;

        RecordingTarget() {
            super(Map.of("bootstrap.servers", "127.0.0.1:9"), "");
        }

        @Override
        Map<String, List<String>> activeMembers(Collection<String> groups) {
            return Map.of();
        }

        @Override
        Map<TopicPartition, Map<String, Long>> committedOn(Collection<String> groups,
                                                           Collection<TopicPartition> partitions) {
            return Map.of();
        }

        @Override
        Map<TopicPartition, Long> readCommittedEnds(Collection<TopicPartition> partitions) {
            Map<TopicPartition, Long> ends = new HashMap<>();
            partitions.forEach(tp -> ends.put(tp, 0L)); // at the start: nothing restored yet
            return ends;
        }

        @Override
        Map<TopicPartition, Long> readCommittedEnds(Collection<TopicPartition> partitions, long timeoutMs) {
            endRequests.add(List.copyOf(partitions));
            timeouts.add(timeoutMs);
            if (failing) {
                throw new GroupCommitException("no answer in " + timeoutMs + " ms", null);
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            partitions.forEach(tp -> ends.put(tp, end));
            return ends;
        }

        @Override
        void commit(String group, TopicPartition tp, long offset, String metadata) {
            commits.add(group + "@" + tp + "=" + offset);
        }
    }
}
