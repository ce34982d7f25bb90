package io.lifeboat.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress: a bar redrawn in place on a terminal, a plain line now and then elsewhere, nothing for quick work. */
class ProgressLineTest {

    @Test
    void onATerminalTheBarIsRedrawnInPlace() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressLine line = new ProgressLine(new PrintStream(out, true, StandardCharsets.UTF_8), true,
                "[drill] restoring", "records");
        line.update(50, 200);
        line.update(200, 200);
        line.done();
        String shown = out.toString(StandardCharsets.UTF_8);
        assertTrue(shown.startsWith("\r[drill] restoring [#######"), shown);
        assertTrue(shown.contains(" 25% 50/200 records\r"), shown);
        assertTrue(shown.endsWith("100% 200/200 records" + System.lineSeparator()), shown);
        line.update(200, 200); // a sample taken after the bar ended (the restore sampler's last)
        assertEquals(shown, out.toString(StandardCharsets.UTF_8), "nothing is drawn onto the line after the bar");
    }

    @Test
    void elsewhereItPrintsAPlainLineEveryFewSecondsOnceTheWorkTakesThatLong() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(1_000_000);
        ProgressLine line = new ProgressLine(new PrintStream(out, true, StandardCharsets.UTF_8), false,
                "[verify] reading", "segments", now::get);
        for (int i = 0; i < 100; i++) {
            line.update(i, 3000);
        }
        assertEquals("", out.toString(StandardCharsets.UTF_8), "quick work prints nothing");
        now.addAndGet(ProgressLine.PLAIN_INTERVAL_MS);
        line.update(100, 3000);
        line.update(101, 3000);
        now.addAndGet(ProgressLine.PLAIN_INTERVAL_MS);
        line.update(200, 0);
        line.done();
        assertEquals("[verify] reading: 100 of about 3000 segments" + System.lineSeparator()
                + "[verify] reading: 200 segments" + System.lineSeparator(), out.toString(StandardCharsets.UTF_8));
    }
}
