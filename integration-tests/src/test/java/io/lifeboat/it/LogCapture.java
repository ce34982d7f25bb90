package io.lifeboat.it;

import org.apache.log4j.AppenderSkeleton;
import org.apache.log4j.Level;
import org.apache.log4j.LogManager;
import org.apache.log4j.Logger;
import org.apache.log4j.spi.LoggingEvent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captures everything logged through reload4j (every logger, every thread, with stack traces) and
 * everything printed to {@code System.out} and {@code System.err}, from {@link #start} to
 * {@link #close()}. Given logger levels are lowered while capturing and restored afterwards.
 */
final class LogCapture implements AutoCloseable {

    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Map<Logger, Level> savedLevels = new LinkedHashMap<>();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final AppenderSkeleton appender = new AppenderSkeleton() {
        @Override
        protected void append(LoggingEvent event) {
            lines.add(event.getLevel() + " " + event.getLoggerName() + " - " + event.getRenderedMessage());
            String[] trace = event.getThrowableStrRep();
            if (trace != null) {
                lines.add(String.join("\n", trace));
            }
        }

        @Override
        public void close() {
        }

        @Override
        public boolean requiresLayout() {
            return false;
        }
    };

    private LogCapture() {
    }

    /** Starts capturing, with {@code levels} (logger name to level) applied meanwhile. */
    static LogCapture start(Map<String, Level> levels) {
        LogCapture capture = new LogCapture();
        levels.forEach((name, level) -> {
            Logger logger = name.isEmpty() ? LogManager.getRootLogger() : LogManager.getLogger(name);
            capture.savedLevels.put(logger, logger.getLevel());
            logger.setLevel(level);
        });
        LogManager.getRootLogger().addAppender(capture.appender);
        System.setOut(new PrintStream(new Tee(capture.originalOut, capture.console), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(capture.originalErr, capture.console), true, StandardCharsets.UTF_8));
        return capture;
    }

    /** Log lines (level, logger, message, then any stack trace) captured so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** What was printed to the console meanwhile. */
    String console() {
        synchronized (console) {
            return console.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        LogManager.getRootLogger().removeAppender(appender);
        savedLevels.forEach(Logger::setLevel);
    }

    /** Writes to the real stream and to the capture buffer. */
    private static final class Tee extends OutputStream {
        private final OutputStream real;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream real, ByteArrayOutputStream copy) {
            this.real = real;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            synchronized (copy) {
                copy.write(b);
            }
            try {
                real.write(b);
            } catch (IOException e) {
                // the real console is gone; the copy is what matters
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (copy) {
                copy.write(b, off, len);
            }
            try {
                real.write(b, off, len);
            } catch (IOException e) {
                // as above
            }
        }
    }
}
