package io.lifeboat.cli;

import io.lifeboat.cli.TopicSnapshot.SnapshotHeader;
import io.lifeboat.cli.TopicSnapshot.SnapshotRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compares an original topic with its restored copy, partition by partition and record by record in
 * order, byte for byte: key and value (null and empty differ), headers (order, duplicates, null values),
 * timestamp and its type, and the partition a record is in. Offsets are not compared: a restore
 * writes the records of aborted transactions and transaction markers no more, so offsets may shift.
 * Stops collecting after {@link #MAX_DIFFERENCES} differences.
 */
public final class RecordComparison {

    public static final int MAX_DIFFERENCES = 10;

    private final List<String> differences = new ArrayList<>();
    private long recordsCompared;

    private RecordComparison() {
    }

    /** Compares {@code restored} with {@code original}. */
    public static RecordComparison compare(TopicSnapshot original, TopicSnapshot restored) {
        RecordComparison comparison = new RecordComparison();
        comparison.run(original, restored);
        return comparison;
    }

    /** True when no difference was found. */
    public boolean matches() {
        return differences.isEmpty();
    }

    /** The first differences found, each a sentence naming the topic, partition and offsets. */
    public List<String> differences() {
        return List.copyOf(differences);
    }

    public long recordsCompared() {
        return recordsCompared;
    }

    @Override
    public String toString() {
        return matches() ? "identical (" + recordsCompared + " records)" : String.join("\n", differences);
    }

    private void run(TopicSnapshot original, TopicSnapshot restored) {
        String names = original.topic().equals(restored.topic())
                ? original.topic() : original.topic() + " (restored as " + restored.topic() + ")";
        if (original.partitionCount() != restored.partitionCount()) {
            add(names + ": " + original.partitionCount() + " partitions originally, " + restored.partitionCount()
                    + " restored");
        }
        for (int partition : original.partitions().keySet()) {
            List<SnapshotRecord> expected = original.records(partition);
            List<SnapshotRecord> actual = restored.records(partition);
            String where = names + "-" + partition;
            if (expected.size() != actual.size()) {
                add(where + ": " + expected.size() + " records originally, " + actual.size() + " restored");
            }
            for (int i = 0; i < Math.min(expected.size(), actual.size()) && !full(); i++) {
                compareRecord(where, i, expected.get(i), actual.get(i));
                recordsCompared++;
            }
        }
        for (int partition : restored.partitions().keySet()) {
            if (!original.partitions().containsKey(partition)) {
                add(names + "-" + partition + ": partition exists only in the restored topic");
            }
        }
    }

    private void compareRecord(String where, int index, SnapshotRecord e, SnapshotRecord a) {
        String at = where + " record #" + index + " (original offset " + e.offset() + ", restored offset "
                + a.offset() + ")";
        if (e.partition() != a.partition()) {
            add(at + ": partition " + e.partition() + " originally, " + a.partition() + " restored");
        }
        if (!Arrays.equals(e.key(), a.key())) {
            add(at + ": key " + RecordText.describe(e.key()) + " originally, " + RecordText.describe(a.key()) + " restored");
        }
        if (!Arrays.equals(e.value(), a.value())) {
            add(at + ": value " + RecordText.describe(e.value()) + " originally, " + RecordText.describe(a.value())
                    + " restored");
        }
        if (e.timestamp() != a.timestamp() || e.timestampType() != a.timestampType()) {
            add(at + ": timestamp " + e.timestamp() + " (" + e.timestampType() + ") originally, " + a.timestamp()
                    + " (" + a.timestampType() + ") restored");
        }
        if (!sameHeaders(e.headers(), a.headers())) {
            add(at + ": headers " + describe(e.headers()) + " originally, " + describe(a.headers()) + " restored");
        }
    }

    private static boolean sameHeaders(List<SnapshotHeader> expected, List<SnapshotHeader> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).key().equals(actual.get(i).key())
                    || !Arrays.equals(expected.get(i).value(), actual.get(i).value())) {
                return false;
            }
        }
        return true;
    }

    private static String describe(List<SnapshotHeader> headers) {
        List<String> parts = new ArrayList<>();
        for (SnapshotHeader h : headers) {
            parts.add(RecordText.quote(h.key()) + "=" + RecordText.describe(h.value()));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    private boolean full() {
        return differences.size() >= MAX_DIFFERENCES;
    }

    private void add(String difference) {
        if (!full()) {
            differences.add(difference);
        }
    }
}
