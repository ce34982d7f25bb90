package io.lifeboat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link DrillReport} as files to attach to a DR exercise ticket: {@code report.json} (for tools),
 * {@code report.md} and a self-contained {@code report.html} (inline styles and SVG charts, nothing
 * fetched) with the restore's progress over time and the RPO per partition.
 */
public final class DrillReportFiles {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DrillReportFiles() {
    }

    /** Writes the three files into {@code dir} (created when missing). */
    public static void write(DrillReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), json(report) + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.md"), markdown(report), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), DrillReportHtml.render(report), StandardCharsets.UTF_8);
    }

    /** The report as one JSON document. */
    public static String json(DrillReport report) throws IOException {
        return JSON.writeValueAsString(tree(report));
    }

    static ObjectNode tree(DrillReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("verified", report.verified());
        root.put("mode", report.mode());
        root.put("drill_id", report.drillId());
        root.put("started_at", report.startedAt().toString());
        root.put("backup_connector", report.backupConnector());
        root.put("store", report.storeDescription());
        root.put("records", report.recordsCompared());
        root.put("rto_ms", report.rtoMillis());
        if (report.backupTime() != null) {
            root.put("backup_ms", report.backupTime().toMillis());
        }
        if (report.restoreTime() != null) {
            root.put("restore_complete_ms", report.restoreTime().toMillis());
        }
        root.put("rpo_records_max", report.partitions().stream().mapToLong(DrillReport.PartitionLine::rpoRecords)
                .max().orElse(0));
        root.put("rpo_ms_max", report.partitions().stream().filter(p -> p.rpoMillis() != null)
                .mapToLong(DrillReport.PartitionLine::rpoMillis).max().orElse(0));
        ArrayNode partitions = root.putArray("partitions");
        for (DrillReport.PartitionLine p : report.partitions()) {
            ObjectNode node = partitions.addObject();
            node.put("topic", p.topic());
            node.put("partition", p.partition());
            node.put("target_topic", p.targetTopic());
            node.put("rpo_records", p.rpoRecords());
            if (p.rpoMillis() == null) {
                node.putNull("rpo_ms");
            } else {
                node.put("rpo_ms", p.rpoMillis());
            }
            node.put("durable_offset", p.durableOffset());
            node.put("records_restored", p.recordsRestored());
            node.put("records_verified", p.recordsVerified());
        }
        ArrayNode topics = root.putArray("topics");
        for (DrillReport.TopicLine t : report.topics()) {
            ObjectNode node = topics.addObject();
            node.put("topic", t.topic());
            node.put("partitions", t.partitions());
            node.put("empty_partitions", t.emptyPartitions());
            node.put("records", t.records());
            node.put("bytes", t.bytes());
        }
        ArrayNode groups = root.putArray("consumer_groups");
        for (DrillReport.GroupCheck g : report.groups()) {
            ObjectNode node = groups.addObject();
            node.put("group", g.group());
            node.put("target_group", g.targetGroup());
            node.put("target_topic", g.targetTopic());
            node.put("partition", g.partition());
            node.put("original_offset", g.originalOffset());
            node.put("expected_offset", g.expectedOffset());
            if (g.committedOffset() == null) {
                node.putNull("committed_offset");
            } else {
                node.put("committed_offset", g.committedOffset());
            }
            node.put("matches", g.matches());
        }
        ArrayNode progress = root.putArray("progress");
        for (RestoreSampler.Sample s : report.progressSamples()) {
            progress.addObject().put("t_ms", s.elapsedMillis()).put("records", s.records());
        }
        strings(root.putArray("differences"), report.differences());
        if (report.failure() == null) {
            root.putNull("failure");
        } else {
            root.put("failure", report.failure());
        }
        strings(root.putArray("notes"), report.notes());
        if (report.cleanedUp()) {
            ObjectNode cleanup = root.putObject("cleanup");
            cleanup.put("complete", report.leftovers().isEmpty());
            strings(cleanup.putArray("left"), report.leftovers());
        }
        return root;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    /** The report in Markdown. */
    static String markdown(DrillReport r) {
        StringBuilder md = new StringBuilder();
        md.append("# Lifeboat disaster-recovery drill").append(r.drillId() == null ? "" : " " + r.drillId()).append("\n\n");
        md.append("**").append(r.verified() ? "VERIFIED" : "FAILED").append("**: ").append(r.recordsCompared())
                .append(" restored records compared byte for byte").append(r.failure() == null ? "" : "; " + r.failure()
                .lines().findFirst().orElse("")).append("\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| started | ").append(r.startedAt()).append(" |\n");
        if (r.backupConnector() != null) {
            md.append("| backup connector | ").append(r.backupConnector()).append(" |\n");
        }
        if (r.storeDescription() != null) {
            md.append("| backup set | ").append(r.storeDescription()).append(" |\n");
        }
        md.append("| RTO | ").append(seconds(r.rtoMillis())).append(" |\n");
        long rpoRecords = r.partitions().stream().mapToLong(DrillReport.PartitionLine::rpoRecords).max().orElse(0);
        long rpoMs = r.partitions().stream().filter(p -> p.rpoMillis() != null)
                .mapToLong(DrillReport.PartitionLine::rpoMillis).max().orElse(0);
        md.append("| RPO (worst partition) | ").append(rpoRecords).append(" records, ").append(seconds(rpoMs)).append(" |\n\n");
        if (!r.partitions().isEmpty()) {
            md.append("## Partitions\n\n| partition | restored into | RPO records | RPO | restored | verified |\n")
                    .append("|---|---|---:|---:|---:|---:|\n");
            for (DrillReport.PartitionLine p : r.partitions()) {
                md.append("| ").append(p.topic()).append('-').append(p.partition()).append(" | ").append(p.targetTopic())
                        .append(" | ").append(p.rpoRecords()).append(" | ")
                        .append(p.rpoMillis() == null ? "none durable" : seconds(p.rpoMillis())).append(" | ")
                        .append(p.recordsRestored()).append(" | ").append(p.recordsVerified()).append(" |\n");
            }
            md.append('\n');
        }
        if (!r.topics().isEmpty()) {
            md.append("## Topics\n\n| topic | partitions | records | bytes |\n|---|---:|---:|---:|\n");
            r.topics().forEach(t -> md.append("| ").append(t.topic()).append(" | ").append(t.partitions()).append(" | ")
                    .append(t.records()).append(" | ").append(t.bytes()).append(" |\n"));
            md.append('\n');
        }
        if (!r.groups().isEmpty()) {
            md.append("## Consumer groups\n\n| group | restored as | partition | expected | committed | |\n")
                    .append("|---|---|---|---:|---:|---|\n");
            r.groups().forEach(g -> md.append("| ").append(g.group()).append(" | ").append(g.targetGroup()).append(" | ")
                    .append(g.targetTopic()).append('-').append(g.partition()).append(" | ").append(g.expectedOffset())
                    .append(" | ").append(g.committedOffset() == null ? "none" : g.committedOffset()).append(" | ")
                    .append(g.matches() ? "OK" : "WRONG").append(" |\n"));
            md.append('\n');
        }
        list(md, "Differences", r.differences());
        list(md, "Notes", r.notes());
        if (r.cleanedUp()) {
            md.append("## Cleanup\n\n").append(r.leftovers().isEmpty() ? "Everything the drill created was removed.\n\n"
                    : "Left behind:\n\n");
            r.leftovers().forEach(l -> md.append("- ").append(l).append('\n'));
        }
        return md.toString();
    }

    private static void list(StringBuilder md, String title, List<String> lines) {
        if (!lines.isEmpty()) {
            md.append("## ").append(title).append("\n\n");
            lines.forEach(l -> md.append("- ").append(l.replace("\n", " ")).append('\n'));
            md.append('\n');
        }
    }

    static String seconds(long millis) {
        return millis < 0 ? "-" : String.format("%.1f s", millis / 1000.0);
    }
}
