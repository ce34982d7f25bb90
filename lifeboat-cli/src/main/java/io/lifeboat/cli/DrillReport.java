package io.lifeboat.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The outcome of a {@link Drill}: what was backed up and restored, how long each half took, and
 * VERIFIED when every restored topic equals its original byte for byte, else FAILED with the first
 * differences or the step that failed.
 */
public final class DrillReport {

    /** One topic of the drill, as it was before the disaster. */
    public record TopicLine(String topic, int partitions, int emptyPartitions, long records, long bytes) {
    }

    private static final int MAX_FAILURE_LINES = 15;

    private final List<TopicLine> topics = new ArrayList<>();
    private final List<String> differences = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Duration backupTime;
    private Duration restoreTime;
    private long storeObjects;
    private long storeBytes;
    private String failure;
    private boolean compared;
    private long recordsCompared;
    private Path keptStore;

    void addTopic(TopicSnapshot snapshot) {
        int empty = (int) snapshot.partitions().values().stream().filter(List::isEmpty).count();
        topics.add(new TopicLine(snapshot.topic(), snapshot.partitionCount(), empty, snapshot.recordCount(),
                snapshot.payloadBytes()));
    }

    void backupTime(Duration time) {
        this.backupTime = time;
    }

    void restoreTime(Duration time) {
        this.restoreTime = time;
    }

    void store(long objects, long bytes) {
        this.storeObjects = objects;
        this.storeBytes = bytes;
    }

    void addComparison(RecordComparison comparison) {
        compared = true;
        recordsCompared += comparison.recordsCompared();
        comparison.differences().stream().limit(RecordComparison.MAX_DIFFERENCES - differences.size())
                .forEach(differences::add);
    }

    void failed(String step, Throwable cause) {
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        String[] lines = message.split("\\R");
        if (lines.length > MAX_FAILURE_LINES) {
            message = String.join("\n", Arrays.copyOf(lines, MAX_FAILURE_LINES)) + "\n    ...";
        }
        this.failure = step + " failed: " + message;
    }

    void note(String note) {
        notes.add(note);
    }

    /** Remarks that do not fail the drill. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    void keptStore(Path root) {
        this.keptStore = root;
    }

    /** The embedded store's folder when the drill was asked to keep it, else null. */
    public Path keptStore() {
        return keptStore;
    }

    /** True when the drill ran to the end and every restored record matched. */
    public boolean verified() {
        return failure == null && compared && differences.isEmpty();
    }

    public List<TopicLine> topics() {
        return List.copyOf(topics);
    }

    public List<String> differences() {
        return List.copyOf(differences);
    }

    /** The step that failed and why, or null. */
    public String failure() {
        return failure;
    }

    public void print(PrintStream out) {
        out.println();
        out.println("Lifeboat disaster-recovery drill");
        out.printf("  %-28s %10s %8s %12s%n", "topic", "partitions", "records", "bytes");
        long records = 0;
        long bytes = 0;
        int partitions = 0;
        for (TopicLine t : topics) {
            String parts = t.partitions() + (t.emptyPartitions() > 0 ? " (" + t.emptyPartitions() + " empty)" : "");
            out.printf("  %-28s %10s %8d %12d%n", t.topic(), parts, t.records(), t.bytes());
            records += t.records();
            bytes += t.bytes();
            partitions += t.partitions();
        }
        out.printf("  %-28s %10d %8d %12d%n", "total", partitions, records, bytes);
        if (storeObjects > 0) {
            out.printf("  store: %d objects, %d bytes%n", storeObjects, storeBytes);
        }
        out.println("  time to back up: " + seconds(backupTime));
        out.println("  time to restore: " + seconds(restoreTime));
        notes.forEach(n -> out.println("  note: " + n));
        if (verified()) {
            out.println("VERIFIED: all " + recordsCompared + " restored records equal their originals (key, value, "
                    + "headers, timestamp, partition, order)");
            return;
        }
        out.println("FAILED");
        if (failure != null) {
            out.println("  " + failure);
        }
        differences.forEach(d -> out.println("  " + d));
    }

    private static String seconds(Duration d) {
        return d == null ? "-" : String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
