package io.lifeboat.cli;

import io.lifeboat.core.layout.DamagedSets;
import io.lifeboat.core.layout.DamagedSets.DamagedSet;
import io.lifeboat.core.storage.ForwardingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code verify} reaches the verdict {@link DamagedSets} states for each set, the one the restore must
 * reach too (restore-source-connector's SharedRulesTest runs the same sets): exit 0 for a set the
 * restore restores whole, exit 1 naming the object for a set the restore refuses. Also what verify
 * says of the notes that are no problem.
 */
class VerifySharedRulesTest {

    @TempDir
    Path dir;

    @Test
    void verifyReachesTheSharedVerdictOnEverySet() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (DamagedSet set : DamagedSets.write(dir)) {
            String text = verify(set);
            boolean passed = text.startsWith("0\n");
            if (passed != set.restorable() || !set.restorable() && !text.contains(set.namedKey())) {
                wrong.add(set.name() + ": expected " + (set.restorable() ? "exit 0" : "exit 1 naming " + set.namedKey())
                        + ", got exit " + text);
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n\n", wrong));
    }

    @Test
    void aStoreThatRefusesToServeASegmentIsNoVerdictOnTheSet() throws IOException {
        DamagedSet intact = DamagedSets.write(dir).stream().filter(DamagedSet::restorable).findFirst().orElseThrow();
        ForwardingStore refusing = new ForwardingStore(intact.store())
                .refusingOpensUnder(DamagedSets.LAYOUT.segmentsPrefix());
        IOException e = assertThrows(IOException.class, () -> VerifyCommand.verify(refusing, DamagedSets.LAYOUT, true,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("access denied"), e.getMessage());
    }

    @Test
    void placeholdersGapsAndMissingMarkersAreReportedButNoProblem() throws IOException {
        List<DamagedSet> sets = DamagedSets.write(dir);
        String placeholders = verify(find(sets, "folder placeholders"));
        assertTrue(placeholders.contains("NOTE     set/segments/orders/000000/ is a folder placeholder"), placeholders);
        String gap = verify(find(sets, "recorded gap"));
        assertTrue(gap.contains("HOLE     orders-0 offsets 5..9 were never delivered to the backup "
                + "(set/gaps/orders/000000/00000000000000000005-00000000000000000009)"), gap);
        assertTrue(gap.contains("1 holes, 0 problems: OK"), gap);
        String unmarked = verify(find(sets, "partition markers gone"));
        assertTrue(unmarked.contains("NOTE     orders partitions [0, 1] have no partition marker"), unmarked);
        String stray = verify(find(sets, "README in segments/"));
        assertTrue(stray.contains("STRAY    set/segments/README (5 bytes) is not a Lifeboat"), stray);
    }

    @Test
    void listShowsHolesMissingMarkersAndPlaceholders() throws IOException {
        List<DamagedSet> sets = DamagedSets.write(dir);
        String gap = list(find(sets, "recorded gap"));
        assertTrue(gap.contains("partition 0: 2 segments, offsets 0..14, "), gap);
        assertTrue(gap.contains(", 1 hole (offsets 5..9)"), gap);
        String unmarked = list(find(sets, "partition markers gone"));
        assertTrue(unmarked.contains("partitions [0, 1] have no partition marker: a restore restores 2 partitions"),
                unmarked);
        String placeholders = list(find(sets, "folder placeholders"));
        assertTrue(placeholders.contains("folder placeholder set/segments/ (ignored)"), placeholders);
        assertTrue(!placeholders.contains("unrecognized"), placeholders);
    }

    private static DamagedSet find(List<DamagedSet> sets, String name) {
        return sets.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** Exit code, a newline, then the output. */
    private static String verify(DamagedSet set) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int exit = VerifyCommand.verify(set.store(), DamagedSets.LAYOUT, true, out);
        return exit + "\n" + bytes.toString(StandardCharsets.UTF_8);
    }

    private static String list(DamagedSet set) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ListCommand.list(set.store(), DamagedSets.LAYOUT, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
