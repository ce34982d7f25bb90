package io.lifeboat.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** {@code lifeboat status}'s answer: text for a terminal or JSON, and its exit code (1 when any problem). */
final class StatusReport {

    private final String connectUrl;
    private final List<ConnectorHealth> connectors;
    private final Instant now;

    StatusReport(String connectUrl, List<ConnectorHealth> connectors, Instant now) {
        this.connectUrl = connectUrl;
        this.connectors = List.copyOf(connectors);
        this.now = now;
    }

    int exitCode() {
        return connectors.stream().allMatch(ConnectorHealth::healthy) ? 0 : 1;
    }

    void printText(PrintStream out) {
        out.println("Lifeboat connectors on " + connectUrl + " at " + now);
        if (connectors.isEmpty()) {
            out.println("  none");
        }
        for (ConnectorHealth c : connectors) {
            out.println();
            out.printf("%s %s: %s, tasks %s%n", c.kind(), c.name(), c.state(),
                    c.tasks().stream().map(t -> t.id() + " " + t.state()).toList());
            c.backup().ifPresent(b -> {
                out.println("  store: " + b.store());
                out.printf("  %-40s %12s %12s %10s %s%n", "partition", "end offset", "durable to", "lag", "RPO now");
                for (BackupHealth.PartitionLag p : b.partitions()) {
                    out.printf("  %-40s %12d %12s %10d %s%n", p.topic() + "-" + p.partition(), p.endOffset(),
                            p.durableOffset().isPresent() ? Long.toString(p.durableOffset().getAsLong()) : "none",
                            p.lagRecords(), rpo(p.rpoMillis(now.toEpochMilli())));
                }
                out.println("  " + b.metadata());
            });
            c.restore().ifPresent(r -> out.println("  progress: " + r.partitionsComplete() + " of "
                    + r.partitionsStarted() + " partitions complete"));
            for (String problem : c.problems()) {
                out.println("  PROBLEM " + problem);
            }
        }
        out.println();
        out.println(exitCode() == 0 ? "HEALTHY" : "PROBLEMS: "
                + connectors.stream().mapToInt(c -> c.problems().size()).sum());
    }

    void printJson(PrintStream out) throws JsonProcessingException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("connect", connectUrl);
        json.put("at", now.toString());
        json.put("healthy", exitCode() == 0);
        List<Object> list = new ArrayList<>();
        for (ConnectorHealth c : connectors) {
            Map<String, Object> connector = new LinkedHashMap<>();
            connector.put("name", c.name());
            connector.put("kind", c.kind());
            connector.put("state", c.state());
            List<Object> tasks = new ArrayList<>();
            c.tasks().forEach(t -> {
                Map<String, Object> task = new LinkedHashMap<>();
                task.put("id", t.id());
                task.put("state", t.state());
                task.put("error", ConnectorHealth.firstLine(t.trace()));
                tasks.add(task);
            });
            connector.put("tasks", tasks);
            c.backup().ifPresent(b -> {
                connector.put("store", b.store());
                connector.put("maxRpoSeconds", b.maxRpo().toSeconds());
                List<Object> partitions = new ArrayList<>();
                for (BackupHealth.PartitionLag p : b.partitions()) {
                    Map<String, Object> partition = new LinkedHashMap<>();
                    partition.put("topic", p.topic());
                    partition.put("partition", p.partition());
                    partition.put("endOffset", p.endOffset());
                    partition.put("durableOffset", value(p.durableOffset()));
                    partition.put("lagRecords", p.lagRecords());
                    partition.put("newestDurableTimestamp", value(p.newestDurableTimestamp()));
                    partition.put("rpoMillis", value(p.rpoMillis(now.toEpochMilli())));
                    partitions.add(partition);
                }
                connector.put("partitions", partitions);
                connector.put("metadata", b.metadata());
            });
            c.restore().ifPresent(r -> {
                connector.put("partitionsComplete", r.partitionsComplete());
                connector.put("partitionsStarted", r.partitionsStarted());
            });
            connector.put("problems", c.problems());
            list.add(connector);
        }
        json.put("connectors", list);
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
    }

    private static Long value(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    private static String rpo(OptionalLong millis) {
        if (millis.isEmpty()) {
            return "unbounded (nothing durable yet)";
        }
        return millis.getAsLong() == 0 ? "0 (all durable)"
                : MetadataStatus.age(Instant.ofEpochMilli(millis.getAsLong()), 0);
    }
}
