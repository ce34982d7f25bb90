package io.lifeboat.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress: a bar redrawn in place on a terminal, a plain line now and then elsewhere. */
class ProgressLineTest {

    @Test
    void onATerminalTheBarIsRedrawnInPlace() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressLine line = new ProgressLine(new PrintStream(out, true, StandardCharsets.UTF_8), true, "restoring");
        line.update(50, 200);
        line.update(200, 200);
        line.done();
        String shown = out.toString(StandardCharsets.UTF_8);
        assertTrue(shown.startsWith("\r[drill] restoring [#######"), shown);
        assertTrue(shown.contains(" 25% 50/200 records\r"), shown);
        assertTrue(shown.endsWith("100% 200/200 records" + System.lineSeparator()), shown);
    }

    @Test
    void elsewhereItPrintsAPlainLineAtMostEveryFewSeconds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressLine line = new ProgressLine(new PrintStream(out, true, StandardCharsets.UTF_8), false, "restoring");
        for (int i = 0; i < 100; i++) {
            line.update(i, 0);
        }
        line.done();
        String shown = out.toString(StandardCharsets.UTF_8);
        assertEquals("[drill] restoring: 0 records" + System.lineSeparator(), shown);
    }
}
