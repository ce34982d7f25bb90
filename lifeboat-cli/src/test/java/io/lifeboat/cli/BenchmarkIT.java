package io.lifeboat.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./lifeboat bench} on a few thousand records: every row is measured (the raw clients, Connect's
 * own ceiling through the do-nothing sink and the from-memory source installed on the worker, the
 * backup and the restore, which is checked record for record), each with a positive throughput.
 */
class BenchmarkIT {

    private static final Pattern ROW = Pattern.compile("^  (.+?)\\s+([0-9.]+) MB/s", Pattern.MULTILINE);

    @Test
    void everyRowIsMeasured() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            new Benchmark(PluginPath.locate(), out, 3_000, 100, 3, "zstd", Benchmark.TUNED_RESTORE_PRODUCER).run();
        }
        String report = bytes.toString(StandardCharsets.UTF_8);
        for (String row : new String[] {"raw producer", "raw consumer", "do-nothing sink", "from-memory source",
                "backup", "restore"}) {
            Matcher matcher = ROW.matcher(report);
            boolean found = false;
            while (matcher.find()) {
                if (matcher.group(1).startsWith(row)) {
                    found = Double.parseDouble(matcher.group(2)) > 0;
                }
            }
            assertTrue(found, "no positive figure for '" + row + "' in:\n" + report);
        }
        assertTrue(report.contains("x the do-nothing sink") && report.contains("x the from-memory source"), report);
    }
}
