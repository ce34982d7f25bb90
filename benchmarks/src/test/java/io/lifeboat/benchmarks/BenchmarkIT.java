package io.lifeboat.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./lifeboat bench} on a few thousand records, filesystem and S3Proxy stores, two tasks: every
 * stage of every row is measured (the raw clients, Connect's own ceiling through the do-nothing sink
 * and the from-memory source installed on the worker from this module's classpath, the backup and the
 * restore), with positive rates, times and heap, in the table and in the JSON report.
 */
class BenchmarkIT {

    @Test
    void everyStageOfEveryRowIsMeasured(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(errors, true, StandardCharsets.UTF_8)) {
            exit = BenchMain.run(new String[] {"--records", "3000", "--value-bytes", "100", "--store", "filesystem,s3",
                    "--tasks", "2", "--partitions", "3", "--json", json.toString()}, out, err);
        }
        String report = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, report + errors.toString(StandardCharsets.UTF_8));

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, root.path("tasks").asInt(), root.toString());
        Set<String> stores = new TreeSet<>();
        for (JsonNode run : root.path("runs")) {
            stores.add(run.path("store").asText());
            assertEquals(100, run.path("valueBytes").asInt());
            assertTrue(run.path("storedBytes").asLong() > 0, run.toString());
            for (Stage stage : Stage.values()) {
                JsonNode figures = run.path("stages").path(stage.label());
                String where = stage.label() + " of " + run.path("store").asText() + ": " + figures;
                assertEquals(3000, figures.path("records").asLong(), where);
                assertTrue(figures.path("steadyRecordsPerSecond").asDouble() > 0, where);
                assertTrue(figures.path("steadyMegabytesPerSecond").asDouble() > 0, where);
                assertTrue(figures.path("endToEndSeconds").asDouble() > 0, where);
                assertTrue(figures.path("peakHeapBytes").asLong() > 0, where);
                assertTrue(figures.path("steadyCpuMillisPerMegabyte").asDouble() > 0, where);
                assertTrue(figures.path("steadyCoresBusy").asDouble() > 0, where);
            }
            for (BenchReport.Ratio ratio : BenchReport.RATIOS) {
                assertTrue(run.path("ratios").path(ratio.name()).asDouble() > 0, run.toString());
            }
        }
        assertEquals(Set.of("filesystem", "s3"), stores, root.toString());
        assertTrue(root.path("runs").get(0).path("ownCpuMillisPerMegabyte").has("backup"), root.toString());
        assertEquals(2, report.lines().filter(line -> line.startsWith("Lifeboat's own CPU (100 B, ")).count(), report);

        for (String row : new String[] {"100 B    filesystem", "100 B    s3"}) {
            assertEquals(6, report.lines().filter(line -> line.startsWith(row)).count(),
                    "the row '" + row + "' in each of the six tables:\n" + report);
        }
        assertTrue(report.contains("backup/sink restore/source backup/rawcons restore/rawprod"), report);
    }
}
