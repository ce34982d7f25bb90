package io.lifeboat.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

    /**
     * One backed-up partition of the drill.
     *
     * @param rpoRecords      records in the live partition not yet durable in the backup when the drill started
     * @param rpoMillis       how much time those records span: 0 when all was durable, else the age of the newest
     *                        durable record; null when none was durable
     * @param durableOffset   the backup's committed offset then (-1 for none): every record before it was in the store
     * @param recordsRestored records in the restored partition
     * @param recordsVerified restored records found equal to the backup set's
     */
    public record PartitionLine(String topic, int partition, String targetTopic, long rpoRecords, Long rpoMillis,
                                long durableOffset, long recordsRestored, long recordsVerified) {
    }

    /** A consumer group the restore repositioned: where it must resume (from the backup set) and where it does. */
    public record GroupCheck(String group, String targetGroup, String targetTopic, int partition, long originalOffset,
                             long expectedOffset, Long committedOffset) {
        public boolean matches() {
            return committedOffset != null && committedOffset == expectedOffset;
        }
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
    private String mode = "embedded";
    private String drillId;
    private String backupConnector;
    private String store;
    private Instant startedAt = Instant.now();
    private final List<PartitionLine> partitions = new ArrayList<>();
    private final List<GroupCheck> groups = new ArrayList<>();
    private List<RestoreSampler.Sample> progress = List.of();
    private long rtoMillis = -1;
    private List<String> leftovers = List.of();
    private boolean cleanedUp;

    void cluster(String drillId, String backupConnector, String store, Instant startedAt) {
        this.mode = "cluster";
        this.drillId = drillId;
        this.backupConnector = backupConnector;
        this.store = store;
        this.startedAt = startedAt;
    }

    void addPartition(PartitionLine line) {
        partitions.add(line);
    }

    void addGroup(GroupCheck check) {
        groups.add(check);
    }

    /** The restore's progress samples, and the RTO they give (-1 when unknown). */
    void progress(List<RestoreSampler.Sample> samples, long rtoMillis) {
        this.progress = List.copyOf(samples);
        this.rtoMillis = rtoMillis;
    }

    /** What the cleanup could not remove (empty: everything the drill created is gone). */
    void cleanedUp(List<String> leftovers) {
        this.cleanedUp = true;
        this.leftovers = List.copyOf(leftovers);
    }

    void addDifferences(List<String> found) {
        compared = true;
        found.stream().limit(Math.max(0, RecordComparison.MAX_DIFFERENCES - differences.size())).forEach(differences::add);
    }

    void recordsCompared(long records) {
        compared = true;
        recordsCompared += records;
    }

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
        return failure == null && compared && differences.isEmpty() && groups.stream().allMatch(GroupCheck::matches)
                && leftovers.isEmpty();
    }

    public String mode() {
        return mode;
    }

    public String drillId() {
        return drillId;
    }

    public String backupConnector() {
        return backupConnector;
    }

    public String storeDescription() {
        return store;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public List<PartitionLine> partitions() {
        return List.copyOf(partitions);
    }

    public List<GroupCheck> groups() {
        return List.copyOf(groups);
    }

    public List<RestoreSampler.Sample> progressSamples() {
        return progress;
    }

    /** From the restore's submission to the last record written, from the samples; -1 when unknown. */
    public long rtoMillis() {
        if (rtoMillis >= 0) {
            return rtoMillis;
        }
        return restoreTime == null ? -1 : restoreTime.toMillis();
    }

    public long recordsCompared() {
        return recordsCompared;
    }

    public Duration backupTime() {
        return backupTime;
    }

    public Duration restoreTime() {
        return restoreTime;
    }

    public boolean cleanedUp() {
        return cleanedUp;
    }

    public List<String> leftovers() {
        return leftovers;
    }

    public long storeObjects() {
        return storeObjects;
    }

    public long storeBytes() {
        return storeBytes;
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
        out.println("Lifeboat disaster-recovery drill" + (drillId == null ? "" : " " + drillId)
                + (backupConnector == null ? "" : " of backup " + backupConnector));
        if (store != null) {
            out.println("  backup set: " + store);
        }
        if (!topics.isEmpty()) {
            printTopics(out);
        }
        if (storeObjects > 0) {
            out.printf("  store: %d objects, %d bytes%n", storeObjects, storeBytes);
        }
        if (!partitions.isEmpty()) {
            printPartitions(out);
        }
        if (backupTime != null) {
            out.println("  time to back up: " + seconds(backupTime));
        }
        out.println("  time to restore (RTO): " + (rtoMillis() < 0 ? "-" : String.format("%.1f s", rtoMillis() / 1000.0))
                + ("cluster".equals(mode) ? " from submitting the restore connector to its last record written" : ""));
        if (!groups.isEmpty()) {
            out.println("  consumer groups repositioned (checked against the backup set):");
            for (GroupCheck g : groups) {
                out.printf("    %-40s %s-%d at %s (original offset %d): %s%n", g.targetGroup(), g.targetTopic(),
                        g.partition(), g.committedOffset() == null ? "nothing committed" : g.committedOffset(),
                        g.originalOffset(), g.matches() ? "OK" : "WRONG, expected " + g.expectedOffset());
            }
        }
        if (cleanedUp) {
            out.println("  cleanup: " + (leftovers.isEmpty() ? "the restore connector, its offsets, the restored "
                    + "topics and groups are gone" : "INCOMPLETE"));
            leftovers.forEach(l -> out.println("    " + l));
        }
        notes.forEach(n -> out.println("  note: " + n));
        if (verified()) {
            out.println("VERIFIED: all " + recordsCompared + " restored records equal their "
                    + ("cluster".equals(mode) ? "backed-up copies" : "originals")
                    + " (key, value, headers, timestamp, partition, order)");
            return;
        }
        out.println("FAILED");
        if (failure != null) {
            out.println("  " + failure);
        }
        differences.forEach(d -> out.println("  " + d));
    }

    private void printTopics(PrintStream out) {
        out.printf("  %-28s %10s %8s %12s%n", "topic", "partitions", "records", "bytes");
        long records = 0;
        long bytes = 0;
        int count = 0;
        for (TopicLine t : topics) {
            String parts = t.partitions() + (t.emptyPartitions() > 0 ? " (" + t.emptyPartitions() + " empty)" : "");
            out.printf("  %-28s %10s %8d %12d%n", t.topic(), parts, t.records(), t.bytes());
            records += t.records();
            bytes += t.bytes();
            count += t.partitions();
        }
        out.printf("  %-28s %10d %8d %12d%n", "total", count, records, bytes);
    }

    private void printPartitions(PrintStream out) {
        out.printf("  %-32s %12s %10s %10s %10s%n", "partition", "RPO records", "RPO", "restored", "verified");
        for (PartitionLine p : partitions) {
            out.printf("  %-32s %12d %10s %10d %10d%n", p.topic() + "-" + p.partition(), p.rpoRecords(),
                    p.rpoMillis() == null ? "none yet" : String.format("%.1f s", p.rpoMillis() / 1000.0),
                    p.recordsRestored(), p.recordsVerified());
        }
        long worstRecords = partitions.stream().mapToLong(PartitionLine::rpoRecords).max().orElse(0);
        long worstMillis = partitions.stream().filter(p -> p.rpoMillis() != null).mapToLong(PartitionLine::rpoMillis)
                .max().orElse(0);
        out.printf("  RPO %s: at most %d records, %.1f s behind the live topics%n",
                "cluster".equals(mode) ? "at the start" : "at the disaster", worstRecords, worstMillis / 1000.0);
    }

    private static String seconds(Duration d) {
        return d == null ? "-" : String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
