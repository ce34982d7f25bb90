package io.lifeboat.restore;

import io.lifeboat.core.metadata.MetadataSnapshot.CommittedOffset;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Repositions the consumer groups of a restore task's partitions in the target cluster
 * ({@code restore.consumer.groups}), exactly: see {@link PartitionGroups} for the rule and the
 * invariant. A group is committed at its translation point as soon as the target acknowledged that
 * record, and at the restored partition's end once its last record is acknowledged, before the
 * partition is reported complete. A group with active members in the target is not touched: that,
 * and any commit the target refuses, is logged at ERROR by name and makes the task fail once
 * everything else is restored, naming the groups (so connector status shows them); restarting the
 * task after the cause is gone commits them, from the target offsets carried in the source offsets.
 */
final class GroupRepositioning implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupRepositioning.class);

    /** The backed-up record at an original offset, to recognise it in the target after a crash. */
    @FunctionalInterface
    interface RecordLookup {
        Optional<SourceRecord> at(TopicPartition source, long offset);
    }

    private final TargetGroups target;
    private final Map<TopicPartition, PartitionGroups> partitions = new HashMap<>();
    private final Map<String, List<String>> activeAtStart;
    /** By group and target partition ({@link #problemKey}): the sentence that reports it. */
    private final Map<String, String> problems = new TreeMap<>();
    private boolean endReadFailing;
    /** The target's read_committed ends read in this poll ({@link #newPoll}), and what that took. */
    private final Map<TopicPartition, Long> endsThisPoll = new HashMap<>();
    private long endReadNanosThisPoll;
    private boolean endReadFailedThisPoll;

    /**
     * How long one poll may wait, all end reads together, for the target cluster's read_committed
     * ends: Connect's stop waits for the poll (task.shutdown.graceful.timeout.ms, 5 s by default), so a
     * slow target must not hold it for the 30 s of each of up to 16 partitions.
     */
    static final long POLL_END_READ_BUDGET_MS = 2_000;

    /**
     * @param planned  per backed-up partition of the task, the groups' committed offsets in the snapshot
     * @param progress each partition's committed restore progress
     */
    GroupRepositioning(TargetGroups target, Map<TopicPartition, Map<String, CommittedOffset>> planned,
                       TopicMapping mapping, Map<TopicPartition, RestoreOffsets.Progress> progress, RecordLookup lookup) {
        this.target = target;
        Set<String> allGroups = new TreeSet<>();
        planned.values().forEach(groups -> allGroups.addAll(groups.keySet()));
        this.activeAtStart = target.activeMembers(allGroups);
        activeAtStart.forEach((group, members) -> log.error("Consumer group {} has active members in the target "
                + "cluster ({}): the restore does not touch it. Stop its consumers and restart this task to have it "
                + "repositioned", target.targetId(group), members));
        // What the target holds, for every partition at once: the ends of those this restore wrote nothing
        // to yet, and the groups' commits on those it wrote to.
        Map<TopicPartition, TopicPartition> targets = new HashMap<>();
        List<TopicPartition> unstarted = new ArrayList<>();
        List<TopicPartition> started = new ArrayList<>();
        planned.forEach((source, groups) -> {
            if (!groups.isEmpty()) {
                TopicPartition targetTp = new TopicPartition(mapping.target(source.topic()), source.partition());
                targets.put(source, targetTp);
                (progress.getOrDefault(source, RestoreOffsets.Progress.NONE).lastRestoredOffset() < 0 ? unstarted : started)
                        .add(targetTp);
            }
        });
        Map<TopicPartition, Long> ends = target.readCommittedEnds(unstarted);
        Map<TopicPartition, Map<String, Long>> done = target.committedOn(allGroups, started);
        targets.forEach((source, targetTp) -> {
            RestoreOffsets.Progress from = progress.getOrDefault(source, RestoreOffsets.Progress.NONE);
            PartitionGroups state = from.lastRestoredOffset() < 0
                    ? openUnstarted(source, targetTp, planned.get(source), ends.get(targetTp))
                    : open(source, targetTp, planned.get(source), from, done.getOrDefault(targetTp, Map.of()), lookup);
            if (state != null) {
                partitions.put(source, state);
            }
        });
    }

    /** A partition this restore wrote nothing to yet ({@code end}: the target partition's end now). */
    private static PartitionGroups openUnstarted(TopicPartition source, TopicPartition targetTp,
                                                 Map<String, CommittedOffset> groups, long end) {
        if (end > 0) {
            // Nothing restored by this connector, yet records there: a partition with nothing in the time
            // range, restarted after others wrote to it. Its groups were dealt with in the first run.
            log.warn("{} holds records (it ends at offset {}), but this restore wrote none of them: its consumer "
                    + "groups are left as they are", targetTp, end);
            return null;
        }
        return new PartitionGroups(source, targetTp, groups, groups.keySet()); // first run: every group
    }

    /**
     * A partition this restore wrote to in an earlier run ({@code done}: the groups committed on its
     * target partition now).
     */
    private PartitionGroups open(TopicPartition source, TopicPartition targetTp, Map<String, CommittedOffset> groups,
                                 RestoreOffsets.Progress from, Map<String, Long> done, RecordLookup lookup) {
        List<String> pending = new ArrayList<>();
        List<String> crossed = new ArrayList<>();
        for (String group : new TreeSet<>(groups.keySet())) {
            if (done.containsKey(group) || from.groups().uncommitted().containsKey(group)) {
                continue;
            }
            (groups.get(group).offset() <= from.lastRestoredOffset() ? crossed : pending).add(group);
        }
        if (from.complete() && !pending.isEmpty() && !unchangedSince(targetTp, source, from.lastRestoredOffset(), lookup)) {
            for (String group : pending) {
                report(group, targetTp, ": it was to resume at the restored partition's end, but its "
                        + "commit did not happen and records were written to " + targetTp + " since, so that end is "
                        + "not known any more; nothing was committed for it. Set it by hand with kafka-consumer-groups "
                        + "--reset-offsets --to-offset <the offset after the restored record of original offset "
                        + from.lastRestoredOffset() + ">");
            }
            pending.clear();
        }
        PartitionGroups state = new PartitionGroups(source, targetTp, groups, pending);
        from.groups().uncommitted().forEach((group, offset) -> {
            if (groups.containsKey(group)) {
                state.uncommitted(group, offset);
            } else {
                log.warn("Consumer group {} no longer matches restore.consumer.groups: it is not committed on {} (an "
                        + "earlier run would have committed it at offset {})", group, targetTp, offset);
            }
        });
        List<String> atLast = crossed.stream().filter(from.groups().atPoint()::contains).toList();
        if (!atLast.isEmpty()) {
            recoverCrossed(state, atLast, from.lastRestoredOffset(), lookup);
        }
        for (String group : crossed) {
            if (!atLast.contains(group)) {
                report(group, targetTp, ": the restore went past its translation point (its offset "
                        + groups.get(group).offset() + " on " + source + " is at or before the restored offset "
                        + from.lastRestoredOffset() + ") in an earlier run, and the target cluster holds no offset of "
                        + "it there (deleted since, by hand or by offsets.retention.minutes?), so where it resumes is "
                        + "not known any more; nothing was committed for it. Set it with kafka-consumer-groups "
                        + "--reset-offsets, or restore again under a new connector name into new topics");
            }
        }
        return state;
    }

    /**
     * Groups whose translation point an earlier run wrote without committing them (the worker stopped
     * in between): the committed offset is that point's ({@link RestoreOffsets#GROUPS_AT_POINT} names
     * them). Nothing after a point is handed over before its groups are dealt with, so the point is
     * the last restored record, and the target's last record: checked byte for byte.
     */
    private void recoverCrossed(PartitionGroups state, List<String> groups, long lastRestored, RecordLookup lookup) {
        Optional<ConsumerRecord<byte[], byte[]>> last = lastIfRestored(state.target(), state.source(), lastRestored, lookup);
        if (last.isPresent()) {
            groups.forEach(g -> state.uncommitted(g, last.get().offset()));
            log.info("Groups {} of {}: an earlier run wrote their translation point (offset {}) but stopped before "
                    + "committing them; it is offset {} of {} (checked byte for byte)", groups, state.source(),
                    lastRestored, last.get().offset(), state.target());
            return;
        }
        for (String group : groups) {
            report(group, state.target(), ": an earlier run of this task stopped between writing the "
                    + "record at original offset " + lastRestored + " of " + state.source() + " and committing the group, "
                    + "and the target partition's last record is not that record, so its target offset is unknown. "
                    + "Find that record in " + state.target() + " and commit its offset for the group with "
                    + "kafka-consumer-groups --reset-offsets --to-offset");
        }
    }

    /** Whether the target partition still ends with the record restored last (original offset {@code lastRestored}). */
    private boolean unchangedSince(TopicPartition targetTp, TopicPartition source, long lastRestored, RecordLookup lookup) {
        return lastIfRestored(targetTp, source, lastRestored, lookup).isPresent();
    }

    /** The target partition's last record, if it is the backup's record at {@code lastRestored}, byte for byte. */
    private Optional<ConsumerRecord<byte[], byte[]>> lastIfRestored(TopicPartition targetTp, TopicPartition source,
                                                                    long lastRestored, RecordLookup lookup) {
        Optional<ConsumerRecord<byte[], byte[]>> last = target.lastRecord(targetTp);
        Optional<SourceRecord> expected = lookup.at(source, lastRestored);
        return last.isPresent() && expected.isPresent() && same(expected.get(), last.get()) ? last : Optional.empty();
    }

    private static boolean same(SourceRecord expected, ConsumerRecord<byte[], byte[]> actual) {
        if (!java.util.Objects.equals(expected.timestamp(), actual.timestamp())
                || !Arrays.equals((byte[]) expected.key(), actual.key())
                || !Arrays.equals((byte[]) expected.value(), actual.value())) {
            return false;
        }
        Header[] headers = actual.headers().toArray();
        List<org.apache.kafka.connect.header.Header> wanted = new ArrayList<>();
        expected.headers().forEach(wanted::add);
        if (headers.length != wanted.size()) {
            return false;
        }
        for (int i = 0; i < headers.length; i++) {
            if (!wanted.get(i).key().equals(headers[i].key())
                    || !Arrays.equals((byte[]) wanted.get(i).value(), headers[i].value())) {
                return false;
            }
        }
        return true;
    }

    /** The partition's groups, or null when none is repositioned there. */
    PartitionGroups of(TopicPartition source) {
        return partitions.get(source);
    }

    /** The target cluster acknowledged a record (producer thread). */
    void acknowledged(SourceRecord record, long targetOffset) {
        Map<String, ?> sp = record.sourcePartition();
        PartitionGroups state = partitions.get(new TopicPartition((String) sp.get(RestoreOffsets.TOPIC),
                ((Number) sp.get(RestoreOffsets.PARTITION)).intValue()));
        if (state != null) {
            state.acknowledged(PartitionGroups.originalOffset(record), targetOffset);
        }
    }

    /**
     * Commits the groups of an acknowledged translation point once the target holds it for good (a
     * read_committed consumer would read it: with exactly-once restores, its transaction committed).
     *
     * @return false when the target does not show it yet: the caller tries again at its next poll
     */
    boolean commitPoint(PartitionGroups state, long targetOffset) {
        if (readCommittedEnd(state.target()) <= targetOffset) {
            return false;
        }
        for (String group : state.pointGroups()) {
            commit(state, group, targetOffset, "translation point: original offset " + state.pointOffset());
        }
        state.pointDone();
        return true;
    }

    /**
     * After the partition's last record is acknowledged (or at start, when an earlier run completed
     * it): the groups no restored record translates are committed at the end, carried ones again.
     *
     * @param lastWritten target offset of the partition's last record written in this run, -1 for none
     * @return false when the target's read_committed end is not past {@code lastWritten} yet: the
     *         caller tries again at its next poll (never waiting here, which would hold up the very
     *         transaction commit it waits for)
     */
    boolean finish(PartitionGroups state, long lastWritten) {
        List<String> atEnd = state.untranslatedGroups();
        if (!atEnd.isEmpty()) {
            long end = readCommittedEnd(state.target());
            if (end <= lastWritten) {
                return false;
            }
            for (String group : atEnd) {
                commit(state, group, end, "no restored record at or after its offset: the restored partition's end");
            }
            state.clearUntranslated();
        }
        new TreeMap<>(state.uncommitted()).forEach((group, offset) -> commit(state, group, offset, "carried"));
        return true;
    }

    /** A new poll of the task: the ends read in the last one are read again when needed. */
    void newPoll() {
        endsThisPoll.clear();
        endReadNanosThisPoll = 0;
        endReadFailedThisPoll = false;
    }

    /**
     * The target's read_committed end, or -1 while it cannot be read (a leader election, a timeout):
     * the caller tries again at its next poll; the first failure of a run of them is logged. One
     * request reads the ends of every partition waiting at an acknowledged translation point, once
     * per poll; after a failure, or once the poll spent {@link #POLL_END_READ_BUDGET_MS} on them, no
     * more is asked in this poll.
     */
    private long readCommittedEnd(TopicPartition tp) {
        Long known = endsThisPoll.get(tp);
        if (known != null) {
            return known;
        }
        long budgetLeftMs = POLL_END_READ_BUDGET_MS - endReadNanosThisPoll / 1_000_000;
        if (endReadFailedThisPoll || budgetLeftMs <= 0) {
            return -1;
        }
        Set<TopicPartition> wanted = new HashSet<>();
        wanted.add(tp);
        partitions.values().stream().filter(state -> state.atPoint() && state.pointAcknowledged().isPresent())
                .map(PartitionGroups::target).filter(other -> !endsThisPoll.containsKey(other)).forEach(wanted::add);
        long started = System.nanoTime();
        try {
            endsThisPoll.putAll(target.readCommittedEnds(wanted, budgetLeftMs));
            endReadFailing = false;
            return endsThisPoll.getOrDefault(tp, -1L);
        } catch (TargetGroups.GroupCommitException e) {
            if (!endReadFailing) {
                log.warn("Cannot read the end of {} to commit its consumer groups; trying again: {}", wanted, e.getMessage());
            }
            endReadFailing = true;
            endReadFailedThisPoll = true;
            return -1;
        } finally {
            endReadNanosThisPoll += System.nanoTime() - started;
        }
    }

    private void commit(PartitionGroups state, String group, long targetOffset, String why) {
        CommittedOffset original = state.planned(group);
        if (activeAtStart.containsKey(group)) {
            state.uncommitted(group, targetOffset);
            problems.put(problemKey(group, state.target()), target.targetId(group) + " has active members in the target cluster "
                    + activeAtStart.get(group) + "; not touched (it would resume at offset " + targetOffset + " of "
                    + state.target() + ")");
            return;
        }
        try {
            target.commit(group, state.target(), targetOffset, original.metadata());
            state.committed(group, targetOffset);
            problems.remove(problemKey(group, state.target()));
            log.info("Consumer group {}: committed offset {} on {} (its offset in the backed-up {} was {}; {})",
                    target.targetId(group), targetOffset, state.target(), state.source(), original.offset(), why);
        } catch (TargetGroups.GroupCommitException e) {
            state.uncommitted(group, targetOffset);
            problems.put(problemKey(group, state.target()), target.targetId(group) + " on " + state.target() + " (offset " + targetOffset
                    + "): " + e.getMessage());
            log.error("Consumer group {} could not be repositioned on {} at offset {}: {}", target.targetId(group), state.target(),
                    targetOffset, e.getMessage());
        }
    }

    /** Groups not repositioned, with the reason, for the task's final report. */
    Map<String, String> problems() {
        return problems;
    }

    /** A group that cannot be repositioned on {@code targetTp}: logged now, and in the task's final failure. */
    private void report(String group, TopicPartition targetTp, String reason) {
        String problem = target.targetId(group) + " on " + targetTp + reason;
        problems.put(problemKey(group, targetTp), problem);
        log.error("Consumer group {} cannot be repositioned: {}", group, problem);
    }

    /** Problems are per group and partition: a commit that works on one partition does not clear another's. */
    private static String problemKey(String group, TopicPartition targetTp) {
        return group + "@" + targetTp;
    }

    /** The message the task fails with when groups could not be repositioned. */
    ConnectException failure(String connectorName) {
        StringBuilder text = new StringBuilder("Every record is restored, but consumer groups could not be "
                + "repositioned: ");
        problems.values().forEach(problem -> text.append(problem).append("; "));
        text.append("Once the cause is gone (stop the group's consumers), restart this task (POST /connectors/")
                .append(connectorName).append("/tasks/<task>/restart; the failed task's number is in GET /connectors/")
                .append(connectorName).append("/status): it commits them and writes no record again, "
                + "as long as nothing else wrote to the restored partitions meanwhile (it checks, and otherwise says so). "
                + "Do not let the groups' consumers commit on the restored topics first: the restore cannot tell "
                + "their commits from its own; set such a group by hand at the offset given above "
                + "(kafka-consumer-groups --reset-offsets --to-offset).");
        return new ConnectException(text.toString());
    }

    @Override
    public void close() {
        target.close();
    }
}
