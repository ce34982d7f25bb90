package io.lifeboat.cli;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Progress of long work: on a terminal a bar redrawn in place ({@code \r}), elsewhere (a log, a CI job,
 * a pipe) a plain line every {@value #PLAIN_INTERVAL_MS} ms once the work has taken that long, so that
 * quick commands print none.
 */
final class ProgressLine {

    static final long PLAIN_INTERVAL_MS = 5_000;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final String what;
    private final String unit;
    private final LongSupplier clock;
    private long lastPlain;
    private boolean drawn;
    private boolean finished;

    /**
     * @param terminal whether {@code out} is a terminal (then the bar is redrawn in place)
     * @param what     what is going on, such as "[drill] restoring"
     * @param unit     what is counted, such as "records"
     */
    ProgressLine(PrintStream out, boolean terminal, String what, String unit) {
        this(out, terminal, what, unit, System::currentTimeMillis);
    }

    ProgressLine(PrintStream out, boolean terminal, String what, String unit, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.what = what;
        this.unit = unit;
        this.clock = clock;
        this.lastPlain = clock.getAsLong();
    }

    /** Whether the process has a terminal (standard input and output). */
    static boolean stdoutIsTerminal() {
        return System.console() != null;
    }

    /** Shows {@code done} of about {@code total} (total 0 or less: unknown); nothing once {@link #done}. */
    synchronized void update(long done, long total) {
        if (finished) {
            return; // a late sample must not redraw the bar onto the line after it
        }
        if (terminal) {
            out.print("\r" + render(done, total));
            out.flush();
            drawn = true;
            return;
        }
        long now = clock.getAsLong();
        if (now - lastPlain >= PLAIN_INTERVAL_MS) {
            lastPlain = now;
            out.println(what + ": " + done + (total > 0 ? " of about " + total : "") + " " + unit);
            out.flush();
        }
    }

    /** Ends the bar's line on a terminal; later updates show nothing. */
    synchronized void done() {
        finished = true;
        if (drawn) {
            out.println();
            drawn = false;
        }
    }

    String render(long done, long total) {
        if (total <= 0) {
            return what + ": " + done + " " + unit;
        }
        double share = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(share * WIDTH);
        return String.format("%s [%s%s] %3d%% %d/%d %s", what, "#".repeat(filled), ".".repeat(WIDTH - filled),
                Math.round(share * 100), done, total, unit);
    }
}
