package io.lifeboat.restore;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.OffsetUtils;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestoreOffsetsTest {

    /** Connect re-reads stored keys into HashMaps; our maps must iterate the same way to match bytes. */
    @Test
    void sourcePartitionIteratesInTheOrderConnectReadsItBack() {
        Map<String, Object> ours = RestoreOffsets.sourcePartition(new TopicPartition("orders", 3));
        Map<String, Object> readBack = new HashMap<>();
        List<String> reversed = new ArrayList<>(ours.keySet());
        Collections.reverse(reversed);
        reversed.forEach(k -> readBack.put(k, ours.get(k)));
        assertEquals(List.copyOf(readBack.keySet()), List.copyOf(ours.keySet()));
    }

    @Test
    void progressReadsCommittedOffsets() {
        assertEquals(new RestoreOffsets.Progress(41, true),
                RestoreOffsets.Progress.from(RestoreOffsets.sourceOffset(41, true)));
        assertEquals(RestoreOffsets.Progress.NONE, RestoreOffsets.Progress.from(null));
        assertEquals(new RestoreOffsets.Progress(7, false), RestoreOffsets.Progress.from(Map.of("offset", 7)));
    }

    @Test
    void aProbeOffsetCountsOnlyWhenTheTargetPartitionGrewPastItsEndBeforeTheProbe() {
        Map<String, Object> probe = RestoreOffsets.probeOffset(RestoreOffsets.sourceOffset(41, true),
                new RestoreOffsets.Probe("cluster-a", 7, 40));
        RestoreOffsets.Progress committed = RestoreOffsets.Progress.from(probe);
        assertTrue(committed.unverified());
        assertEquals(new RestoreOffsets.Progress(41, true), committed.resolve("cluster-a", 8), "the target holds it");
        assertEquals(new RestoreOffsets.Progress(40, false), committed.resolve("cluster-a", 7), "it went elsewhere");
        assertEquals(RestoreOffsets.Progress.NONE, RestoreOffsets.Progress.from(RestoreOffsets.probeOffset(
                RestoreOffsets.sourceOffset(0, true), new RestoreOffsets.Probe("cluster-a", 0, -1)))
                .resolve("cluster-a", 0), "a probe into an empty target that did not land is no progress at all");
    }

    /** The end offset of another cluster says nothing about the probe (target.cluster.* changed in place). */
    @Test
    void aProbeOffsetDoesNotCountInAnotherTargetCluster() {
        RestoreOffsets.Progress committed = RestoreOffsets.Progress.from(RestoreOffsets.probeOffset(
                RestoreOffsets.sourceOffset(41, false), new RestoreOffsets.Probe("cluster-a", 0, -1)));
        assertEquals(RestoreOffsets.Progress.NONE, committed.resolve("cluster-b", 500));
    }

    @Test
    void aPlainOffsetIsTrustedWhateverTheTargetHolds() {
        RestoreOffsets.Progress committed = RestoreOffsets.Progress.from(RestoreOffsets.sourceOffset(41, false));
        assertFalse(committed.unverified());
        assertEquals(committed, committed.resolve("any", 0));
    }

    /** Read back through the REST offsets API or the offsets topic, numbers may come back as Integer. */
    @Test
    void aProbeOffsetReadsBackFromJsonNumbersOfAnyWidth() {
        Map<String, Object> readBack = new HashMap<>(Map.of("offset", 3, "complete", false,
                "probe_target_cluster", "cluster-a", "probe_target_end", 0, "probe_resumed_after", 2));
        assertEquals(new RestoreOffsets.Progress(2, false),
                RestoreOffsets.Progress.from(readBack).resolve("cluster-a", 0));
        assertEquals(HashMap.class, RestoreOffsets.probeOffset(RestoreOffsets.sourceOffset(1, false),
                new RestoreOffsets.Probe("cluster-a", 0, 0)).getClass());
    }

    /** Connect takes only primitive offset values (OffsetUtils.validateFormat): group maps travel as JSON text. */
    @Test
    void consumerGroupsTravelAsPrimitiveValuesAndReadBack() {
        SourceRecord record = new SourceRecord(RestoreOffsets.sourcePartition(new TopicPartition("t", 0)),
                RestoreOffsets.sourceOffset(9, true), "t", 0, null, null);
        SourceRecord withGroups = RestoreOffsets.withGroups(record, new RestoreOffsets.GroupProgress(
                Map.of("done, with comma", 4L), Map.of("in=use", 7L), java.util.Set.of("here"), "set/metadata/k.json"),
                List.of("past"));
        OffsetUtils.validateFormat(withGroups.sourceOffset());
        assertEquals("{\"done, with comma\":4}", withGroups.sourceOffset().get(RestoreOffsets.GROUPS_COMMITTED));
        assertEquals("[\"past\"]", withGroups.sourceOffset().get(RestoreOffsets.GROUPS_AT_END));
        @SuppressWarnings("unchecked")
        RestoreOffsets.Progress progress = RestoreOffsets.Progress.from((Map<String, Object>) withGroups.sourceOffset());
        assertEquals(new RestoreOffsets.GroupProgress(Map.of("done, with comma", 4L), Map.of("in=use", 7L),
                java.util.Set.of("here"), "set/metadata/k.json"), progress.groups());
        assertTrue(progress.complete());
        assertEquals(record, RestoreOffsets.withGroups(record, RestoreOffsets.GroupProgress.NONE, List.of()),
                "nothing to add");
    }

    @Test
    void theStartCutIsReadBackSoThatAResumedRestoreKeepsReportingIt() {
        Map<String, Object> offset = RestoreOffsets.sourceOffset(41, true, OptionalLong.of(30), OptionalLong.of(42));
        assertEquals(Map.of("offset", 41L, "complete", true, "start_cut", 30L, "end_cut", 42L), offset);
        assertEquals(new RestoreOffsets.Progress(41, true, null, 30), RestoreOffsets.Progress.from(offset));
        assertEquals(30, RestoreOffsets.Progress.from(new HashMap<>(Map.of("offset", 41, "start_cut", 30))).startCut(),
                "JSON numbers of any width");

        Map<String, Object> probe = RestoreOffsets.probeOffset(
                RestoreOffsets.sourceOffset(41, false, OptionalLong.of(30), OptionalLong.empty()),
                new RestoreOffsets.Probe("cluster-a", 7, 40));
        RestoreOffsets.Progress committed = RestoreOffsets.Progress.from(probe);
        assertEquals(30, committed.resolve("cluster-a", 8).startCut(), "the probe landed");
        assertEquals(30, committed.resolve("cluster-a", 7).startCut(), "offset 40 was restored before: past the cut");
        RestoreOffsets.Progress first = RestoreOffsets.Progress.from(RestoreOffsets.probeOffset(
                RestoreOffsets.sourceOffset(30, false, OptionalLong.of(30), OptionalLong.empty()),
                new RestoreOffsets.Probe("cluster-a", 0, -1)));
        assertEquals(RestoreOffsets.Progress.NONE, first.resolve("cluster-b", 5),
                "the cut's own record went elsewhere: the cut is looked for again");
    }
}
