package io.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.core.layout.DamagedSets;
import io.lifeboat.core.layout.DamagedSets.DamagedSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code verify} reads segments in parallel without changing what it says or in which order, and
 * {@code verify --json} / {@code list --json} say the same as their text in one document.
 */
class VerifyJsonParallelTest {

    @TempDir
    Path dir;

    private static String verify(DamagedSet set, boolean json, int parallel) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = VerifyCommand.verify(set.store(), DamagedSets.LAYOUT,
                json ? VerifyFindings.json(out, false) : VerifyFindings.text(out, false), parallel);
        return code + "\n" + bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void parallelReadsSayTheSameInTheSameOrderOnEverySet() throws IOException {
        for (DamagedSet set : DamagedSets.write(dir)) {
            assertEquals(verify(set, false, 1), verify(set, false, 8), set.name());
        }
    }

    @Test
    void jsonHoldsTheVerdictTheTotalsAndEveryFinding() throws Exception {
        for (DamagedSet set : DamagedSets.write(dir)) {
            String text = verify(set, false, 4);
            String json = verify(set, true, 4);
            assertEquals(text.substring(0, 2), json.substring(0, 2), "same exit code: " + set.name());
            JsonNode document = new ObjectMapper().readTree(json.substring(2));
            assertEquals(set.restorable() ? "OK" : "CORRUPT", document.path("verdict").asText(), set.name() + ": " + json);
            assertEquals(set.restorable() ? 0 : document.path("problems").asLong(), document.path("problems").asLong());
            if (!set.restorable()) {
                assertTrue(document.path("problems").asLong() > 0, json);
                assertTrue(document.path("findings").toString().contains(set.namedKey()), json);
            }
            for (JsonNode finding : document.path("findings")) {
                String line = String.format("%-8s %s", finding.path("verdict").asText(), finding.path("text").asText());
                assertTrue(text.contains(line), "the text says the same: " + line + "\nin:\n" + text);
            }
        }
    }

    @Test
    void listJsonHasTheSegmentsAndHoles() throws Exception {
        DamagedSet gap = DamagedSets.write(dir).stream().filter(s -> s.name().contains("recorded gap")).findFirst()
                .orElseThrow();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, ListCommand.listJson(gap.store(), DamagedSets.LAYOUT, Clock.systemUTC(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        JsonNode document = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        JsonNode partition = document.path("topics").get(0).path("partitions").get(0);
        assertEquals(2, partition.path("segments").size(), document.toString());
        assertEquals(0, partition.path("segments").get(0).path("firstOffset").asLong());
        assertEquals(List.of(5L, 9L), List.of(partition.path("holes").get(0).path("firstMissing").asLong(),
                partition.path("holes").get(0).path("lastMissing").asLong()));
    }
}
