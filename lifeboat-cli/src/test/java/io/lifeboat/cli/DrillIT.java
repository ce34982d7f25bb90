package io.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.StoredObject;
import io.lifeboat.harness.PluginPath;
import io.lifeboat.harness.SampleData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./lifeboat drill} end to end, run in-process: the drill reports VERIFIED. The backup set it
 * keeps is then read with the operator commands {@code list}, {@code verify} and {@code cat}, and a
 * damaged segment makes {@code verify} fail naming the object.
 */
class DrillIT {

    @Test
    void drillVerifiesAndTheOperatorCommandsReadItsBackupSet() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        DrillReport report = new Drill(PluginPath.locate(), new PrintStream(progress, true, StandardCharsets.UTF_8), true)
                .run();
        report.print(System.out);
        Path store = report.keptStore();
        try {
            assertTrue(report.verified(), "the drill did not verify:\n" + progress + render(report));
            assertEquals(SampleData.Topics.withPrefix("").all().size(), report.topics().size());
            assertTrue(render(report).contains("VERIFIED"));
            assertNotNull(store);
            checkReportFiles(report, store.resolveSibling(store.getFileName() + "-report"));
            checkOperatorCommands(store);
        } finally {
            deleteRecursively(store);
        }
    }

    /** The embedded drill writes the same report as a drill on a cluster: every partition's RPO (0: caught up). */
    private static void checkReportFiles(DrillReport report, Path dir) throws Exception {
        try {
            DrillReportFiles.write(report, dir);
            JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
            assertTrue(json.path("verified").asBoolean(), json.toString());
            assertEquals(report.recordsCompared(), json.path("records").asLong());
            assertTrue(json.path("rto_ms").asLong() > 0, json.toString());
            int partitions = report.topics().stream().mapToInt(DrillReport.TopicLine::partitions).sum();
            assertEquals(partitions, json.path("partitions").size(), json.toString());
            for (JsonNode partition : json.path("partitions")) {
                assertEquals(0, partition.path("rpo_records").asLong(), partition.toString());
                assertEquals(0, partition.path("rpo_ms").asLong(), partition.toString());
                assertEquals(partition.path("records_restored").asLong(), partition.path("records_verified").asLong());
            }
            assertTrue(json.path("progress").size() >= 2, json.toString());
            assertTrue(Files.readString(dir.resolve("report.html")).contains("id=\"progress-chart\""));
        } finally {
            deleteRecursively(dir);
        }
    }

    private void checkOperatorCommands(Path store) throws Exception {
        String root = store.toString();
        Result list = cli("list", "--root", root, "--prefix", Drill.PREFIX);
        assertEquals(0, list.code, list.out);
        assertTrue(list.out.contains("topic drill.wide: 12 partitions"), list.out);
        assertTrue(list.out.contains("partition 3: no records"), list.out);

        Result verify = cli("verify", "--root", root, "--prefix", Drill.PREFIX);
        assertEquals(0, verify.code, verify.out);
        assertTrue(verify.out.contains("0 problems: OK"), verify.out);

        Result cat = cli("cat", "--root", root, "--prefix", Drill.PREFIX, "--topic", "drill.awkward", "--partition", "0",
                "--limit", "6");
        assertEquals(0, cat.code, cat.out);
        String[] lines = cat.out.strip().split("\n");
        assertEquals(6, lines.length, cat.out);
        assertTrue(lines[0].startsWith("partition=0 offset=0 ") && lines[0].contains(" key=null "), lines[0]);
        assertTrue(lines[1].contains(" key=\"\" value=\"\" "), lines[1]);
        assertTrue(lines[2].contains("\"dup\"=\"first\"") && lines[2].contains("\"dup\"=null"), lines[2]);

        String damaged = damageOneSegment(store);
        Result broken = cli("verify", "--root", root, "--prefix", Drill.PREFIX, "--quiet");
        assertEquals(1, broken.code, broken.out);
        assertTrue(broken.out.contains("CORRUPT  " + damaged + ": "), broken.out);

        assertEquals(2, cli("verify").code, "a usage error without a store");
        assertEquals(0, cli("--help").code);
    }

    /** Flips a byte in the middle of the largest segment; returns its key. */
    private static String damageOneSegment(Path root) throws IOException {
        StoredObject largest;
        try (FilesystemObjectStore store = new FilesystemObjectStore(root)) {
            largest = store.list(Drill.PREFIX + "/segments/").stream()
                    .max(Comparator.comparingLong(StoredObject::size)).orElseThrow();
        }
        try (RandomAccessFile file = new RandomAccessFile(root.resolve(largest.key()).toFile(), "rw")) {
            long middle = file.length() / 2;
            file.seek(middle);
            int b = file.read();
            file.seek(middle);
            file.write(b ^ 0x5A);
        }
        return largest.key();
    }

    private record Result(int code, String out) {
    }

    private static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = Main.run(args, stream, stream);
        return new Result(code, out.toString(StandardCharsets.UTF_8));
    }

    private static String render(DrillReport report) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
