package io.lifeboat.restore;

import io.lifeboat.core.layout.DamagedSets;
import io.lifeboat.core.layout.DamagedSets.DamagedSet;
import io.lifeboat.core.layout.TimeRange;
import io.lifeboat.core.segment.SegmentFetcher;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The restore reaches the verdict {@link DamagedSets} states for each set, the one {@code verify} must
 * reach too (lifeboat-cli's VerifySharedRulesTest runs the same sets): it restores every record of a
 * set that verify passes, and refuses, naming the object, a set that verify fails.
 */
class SharedRulesTest {

    @TempDir
    Path dir;

    @Test
    void theRestoreReachesTheSharedVerdictOnEverySet() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (DamagedSet set : DamagedSets.write(dir.resolve("sets"))) {
            String outcome;
            try {
                long records = restoreAll(set);
                outcome = set.restorable() && records == set.records() ? null
                        : "restored " + records + " records, expected " + (set.restorable() ? set.records() : "a refusal");
            } catch (IOException | RuntimeException e) {
                outcome = !set.restorable() && String.valueOf(e.getMessage()).contains(set.namedKey()) ? null
                        : "refused (" + e.getMessage() + ")" + (set.restorable() ? ", expected a restore"
                        : ", expected a message naming " + set.namedKey());
            }
            if (outcome != null) {
                wrong.add(set.name() + ": " + outcome);
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    /** Plans the restore of the whole set as the connector does, then restores each partition as a task does. */
    private long restoreAll(DamagedSet set) throws IOException {
        Map<String, String> props = Map.of("storage.backend", "filesystem", "filesystem.root", dir.toString(),
                "storage.prefix", DamagedSets.LAYOUT.prefix(), "target.cluster.bootstrap.servers", "localhost:9092");
        RestoreSourceConfig config = new RestoreSourceConfig(props);
        RestorePlanner.RestorePlan plan = RestorePlanner.plan(config, set.store());
        assertEquals(2, plan.partitions().size(), set.name());
        Path work = Files.createTempDirectory(dir, "work");
        List<PartitionRestore> restores = PartitionRestores.open(set.store(), DamagedSets.LAYOUT, config.topicMapping(),
                plan.partitions(), Map.of(), TimeRange.ALL, tp -> SegmentPrefetcher.Source.direct(
                        new SegmentFetcher(set.store(), DamagedSets.LAYOUT, work)));
        long records = 0;
        for (PartitionRestore restore : restores) {
            for (List<SourceRecord> batch = restore.poll(100); !batch.isEmpty(); batch = restore.poll(100)) {
                records += batch.size();
            }
            if (!restore.isComplete()) {
                fail(set.name() + ": " + restore.source() + " not complete");
            }
            restore.close();
        }
        return records;
    }
}
