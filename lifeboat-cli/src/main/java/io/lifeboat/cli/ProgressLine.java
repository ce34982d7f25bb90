package io.lifeboat.cli;

import java.io.PrintStream;

/**
 * Progress of long work: on a terminal a bar redrawn in place ({@code \r}), elsewhere (a log, a CI job)
 * a plain line at most every {@value #PLAIN_INTERVAL_MS} ms.
 */
final class ProgressLine {

    static final long PLAIN_INTERVAL_MS = 5_000;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final String what;
    private long lastPlain;
    private boolean drawn;

    /** @param terminal whether {@code out} is a terminal (then the bar is redrawn in place) */
    ProgressLine(PrintStream out, boolean terminal, String what) {
        this.out = out;
        this.terminal = terminal;
        this.what = what;
    }

    /** Whether standard output is a terminal. */
    static boolean stdoutIsTerminal() {
        return System.console() != null;
    }

    /** Shows {@code done} of about {@code total} (total 0 or less: unknown). */
    synchronized void update(long done, long total) {
        if (terminal) {
            out.print("\r" + render(done, total));
            out.flush();
            drawn = true;
            return;
        }
        long now = System.currentTimeMillis();
        if (now - lastPlain >= PLAIN_INTERVAL_MS) {
            lastPlain = now;
            out.println("[drill] " + what + ": " + done + (total > 0 ? " of about " + total : "") + " records");
            out.flush();
        }
    }

    /** Ends the bar's line on a terminal. */
    synchronized void done() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }

    String render(long done, long total) {
        if (total <= 0) {
            return "[drill] " + what + ": " + done + " records";
        }
        double share = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(share * WIDTH);
        return String.format("[drill] %s [%s%s] %3d%% %d/%d records", what, "#".repeat(filled), ".".repeat(WIDTH - filled),
                Math.round(share * 100), done, total);
    }
}
