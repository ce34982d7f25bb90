package io.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drill report's files: the JSON fields the contract names, the verdict, a self-contained HTML page. */
class DrillReportFilesTest {

    @TempDir
    Path dir;

    private static DrillReport report() {
        DrillReport report = new DrillReport();
        report.cluster("lifeboat-drill-20261202-120000", "orders-backup", "s3://bucket prefix 'p/'",
                Instant.parse("2026-12-02T12:00:00Z"));
        report.addPartition(new DrillReport.PartitionLine("orders", 0, "lifeboat-drill-20261202-120000.orders", 30,
                122_500L, 200, 200, 200));
        report.addPartition(new DrillReport.PartitionLine("orders", 1, "lifeboat-drill-20261202-120000.orders", 0,
                0L, 150, 150, 150));
        report.addPartition(new DrillReport.PartitionLine("orders", 2, "lifeboat-drill-20261202-120000.orders", 7,
                null, -1, 0, 0));
        report.recordsCompared(350);
        report.addDifferences(List.of());
        report.progress(List.of(new RestoreSampler.Sample(0, 0), new RestoreSampler.Sample(250, 120),
                new RestoreSampler.Sample(500, 350), new RestoreSampler.Sample(750, 350)), 500);
        report.addGroup(new DrillReport.GroupCheck("billing", "lifeboat-drill-20261202-120000.billing",
                "lifeboat-drill-20261202-120000.orders", 0, 50, 50, 50L));
        report.cleanedUp(List.of());
        return report;
    }

    @Test
    void theJsonHoldsTheVerdictTheRtoAndEachPartitionsRpo() throws Exception {
        DrillReportFiles.write(report(), dir);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertTrue(json.path("verified").asBoolean());
        assertEquals(350, json.path("records").asLong());
        assertEquals(500, json.path("rto_ms").asLong());
        assertEquals(30, json.path("rpo_records_max").asLong());
        assertEquals(122_500, json.path("rpo_ms_max").asLong());
        JsonNode partitions = json.path("partitions");
        assertEquals(3, partitions.size());
        assertEquals(30, partitions.get(0).path("rpo_records").asLong());
        assertEquals(122_500, partitions.get(0).path("rpo_ms").asLong());
        assertTrue(partitions.get(2).path("rpo_ms").isNull(), "none durable: no time");
        assertEquals(4, json.path("progress").size());
        assertTrue(json.path("consumer_groups").get(0).path("matches").asBoolean());
        assertTrue(json.path("cleanup").path("complete").asBoolean());
    }

    @Test
    void aWrongGroupPositionOrALeftoverFailsTheDrill() {
        DrillReport wrongGroup = report();
        wrongGroup.addGroup(new DrillReport.GroupCheck("audit", "x.audit", "x.orders", 1, 10, 10, 11L));
        assertFalse(wrongGroup.verified());
        DrillReport leftover = report();
        leftover.cleanedUp(List.of("topic x.orders is still there"));
        assertFalse(leftover.verified());
        assertTrue(report().verified());
    }

    @Test
    void theHtmlPageIsSelfContainedAndDrawsBothCharts() throws Exception {
        DrillReport report = report();
        report.note("a note with <markup> & \"quotes\"");
        DrillReportFiles.write(report, dir);
        String html = Files.readString(dir.resolve("report.html"));
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.replace("http://www.w3.org/2000/svg", "").matches("(?s).*(https?:|src=|href=).*"),
                "nothing fetched");
        assertTrue(html.contains("id=\"progress-chart\"") && html.contains("<polyline"), html);
        // four samples: four points, scaled into the plot (the last at the right edge, the top at the most records)
        assertTrue(html.contains("points=\"70.0,220.0 280.0,149.7 490.0,15.0 700.0,15.0\""), html);
        assertEquals(3, html.split("<rect ", -1).length - 1, "one RPO bar per partition");
        assertTrue(html.contains("a note with &lt;markup&gt; &amp; &quot;quotes&quot;"), "text is escaped");
        assertTrue(Files.readString(dir.resolve("report.md")).contains("| orders-0 | lifeboat-drill-20261202-120000.orders | 30 | 122.5 s | 200 | 200 |"));
    }
}
